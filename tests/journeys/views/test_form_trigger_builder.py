"""The builder's "form answered" trigger: the OA's forms to pick from, saved and summarised
with the form's title; another OA's form is refused."""

from __future__ import annotations

import pytest

from liff_forms.models import Form
from tests.journeys.views.builder_helpers import draft, make_journey, url
from tests.liff_forms.helpers import build_form


@pytest.fixture
def journey(account):
    return make_journey(account)


def test_saving_a_form_answered_trigger(owner_client, account, journey, other_account):
    form = build_form(account, title="Welcome survey")
    editor = owner_client.get(url(journey, "journey_builder_trigger") + "?kind=form_answered")
    html = editor.content.decode()
    assert 'name="form_id"' in html and "Welcome survey" in html
    response = owner_client.post(
        url(journey, "journey_builder_trigger"),
        {
            "fields": "1",
            "kind": "form_answered",
            "form_id": str(form.pk),
            "answers": "first",
            "start": "wait_1h",
        },
    )
    assert response.status_code == 302
    assert draft(journey)["trigger"] == {
        "kind": "form_answered",
        "form_id": form.pk,
        "answers": "first",
    }
    page = owner_client.get(url(journey)).content.decode()
    assert "When a friend first answers the form “Welcome survey”" in page


def test_another_oas_form_cannot_be_chosen(owner_client, journey, other_account):
    foreign = build_form(other_account, title="Theirs")
    before = draft(journey)
    response = owner_client.post(
        url(journey, "journey_builder_trigger"),
        {"fields": "1", "kind": "form_answered", "form_id": str(foreign.pk), "start": "wait_1h"},
    )
    assert response.status_code == 400
    assert "Theirs" not in response.content.decode()
    assert draft(journey) == before
    assert Form.unscoped.filter(pk=foreign.pk).exists()
