"""Out-of-range and malformed query values on the pages that read dates or JSON (issue 14,
defect 5): the dashboards say why in place, the calendars open on today with a notice, the
segment builder opens with its default condition; none of them answers 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_a_dashboard_date_out_of_range_is_explained(owner_client, account, value):
    url = reverse("account_insights", args=["alpha", account.slug])
    response = owner_client.get(url, {"to": value})
    assert response.status_code == 200
    assert "must be between 2000-01-01 and 2099-12-31" in response.content.decode()


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_the_calendars_open_on_today_for_a_date_out_of_range(owner_client, account, value):
    for url in (
        reverse("broadcast_calendar", args=["alpha", account.slug]),
        reverse("workspace_broadcast_calendar", args=["alpha"]),
    ):
        response = owner_client.get(url, {"date": value})
        assert response.status_code == 200, url
        assert "That date cannot be shown" in response.content.decode(), url


def test_the_segment_builder_ignores_rules_too_deep_to_read(owner_client, account):
    url = reverse("segment_new", args=["alpha", account.slug])
    deep = "[" * 10_000 + "]" * 10_000
    response = owner_client.get(url, {"rules": '{"all": ' + deep + "}"})
    assert response.status_code == 200
