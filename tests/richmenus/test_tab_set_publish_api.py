# ruff: noqa: F811  (fixtures imported from design_helpers)
"""Publishing a tab set through the API: a body that is not an object with a boolean
``make_default`` answers 400 naming the field, an unknown tab set 404, never a 500."""

from __future__ import annotations

import json

import pytest

from richmenus.services.menus import tab_set_create
from tests.api_helpers import account_url, api
from tests.richmenus.design_helpers import fake_line, line_menus  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("body", [[], ["make_default"], "true", 7, None])
def test_a_body_that_is_not_an_object_is_a_400(owner, account, line_menus, body):
    tabs = tab_set_create(account=account, name="Main tabs")
    response = api(owner).post(
        account_url(account, "api_rich_menu_tab_set_publish", rich_menu_tab_set=tabs),
        json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert "error" in response.json()


def test_make_default_that_is_not_a_boolean_names_the_field(owner, account, line_menus):
    tabs = tab_set_create(account=account, name="Main tabs")
    response = api(owner).post(
        account_url(account, "api_rich_menu_tab_set_publish", rich_menu_tab_set=tabs),
        {"make_default": {"yes": 1}},
        format="json",
    )
    assert response.status_code == 400
    assert "make_default" in response.json()["error"]["fields"]


def test_a_tab_set_with_too_few_tabs_is_a_400_and_an_unknown_one_a_404(owner, account, line_menus):
    tabs = tab_set_create(account=account, name="Main tabs")
    client = api(owner)
    response = client.post(
        account_url(account, "api_rich_menu_tab_set_publish", rich_menu_tab_set=tabs),
        {"make_default": False},
        format="json",
    )
    assert response.status_code == 400
    missing = client.post(
        account_url(account, "api_rich_menu_tab_set_publish", rich_menu_tab_set=tabs.pk + 1000),
        {},
        format="json",
    )
    assert missing.status_code == 404
