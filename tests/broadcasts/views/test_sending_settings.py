"""The sending rules page: the settings form's round trip and this month's aggregation units."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scope")]


def settings_url(account, query: str = "") -> str:
    return reverse("broadcast_settings", args=[account.workspace.slug, account.slug]) + query


RULES = {
    "cap_enabled": "on",
    "cap_messages": "2",
    "cap_days": "7",
    "quiet_start": "22:00",
    "quiet_end": "08:00",
}


def test_settings_form_round_trip_with_errors_in_place(account, rules, admin_user, fake_line):
    client = client_for(admin_user)
    page = client.get(settings_url(account)).content.decode()
    assert "Count multicast and push sends with LINE aggregation units" in page
    assert "only for accounts that applied" in page
    assert (
        'name="use_aggregation_units"' in page
        and "checked" not in page.split('name="use_aggregation_units"')[1].split(">")[0]
    )
    bad = client.post(
        settings_url(account),
        {**RULES, "quiet_enabled": "on", "quiet_end": "22:00", "use_aggregation_units": "on"},
    )
    assert bad.status_code == 400
    assert "Quiet hours must end" in bad.content.decode()
    rules.refresh_from_db()
    assert not rules.use_aggregation_units
    assert client.post(settings_url(account), {**RULES, "use_aggregation_units": "on"}).status_code
    rules.refresh_from_db()
    assert rules.use_aggregation_units
    page = client.get(settings_url(account)).content.decode()
    assert "checked" in page.split('name="use_aggregation_units"')[1].split(">")[0]
    client.post(settings_url(account), RULES)  # unticked: off again
    rules.refresh_from_db()
    assert not rules.use_aggregation_units


def test_settings_page_asks_line_for_this_months_units(account, rules, admin_user, line):
    line.units_used += ["oac_b1", "oac_b2"]
    client = client_for(admin_user)
    assert not line.server.calls("getAggregationUnitUsage")
    page = client.get(settings_url(account, "?usage=units")).content.decode()
    assert "LINE counts 2 aggregation units used by this OA this month." in page
    line.units_forbidden = True
    page = client.get(settings_url(account, "?usage=units")).content.decode()
    assert "LINE refused to report units for this OA (403" in page
