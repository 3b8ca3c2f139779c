"""The API's answers to hostile input (issue 14, defects 4 and 5): deep or non-strict JSON
bodies, bad query values and unmatched URLs are 4xx in the error envelope, never a 500 or an
HTML page."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from oa_console.json_input import MAX_JSON_DEPTH
from oa_console.roles import Role
from oa_console.services.api_keys import api_key_create
from oa_console.views import errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(workspace) -> Client:
    _key, raw = api_key_create(workspace=workspace, name="hostile", role=Role.OWNER)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", raise_request_exception=False)


def _envelope(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    return error


def _post_text(client: Client, url: str, text: str, content_type: str = "application/json"):
    return client.post(url, data=text, content_type=content_type)


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 900, 10_000])
def test_a_deeply_nested_body_is_400_on_every_json_endpoint(api, account, depth):
    body = '{"name": ' + "[" * depth + "]" * depth + "}"
    for url in (
        f"/api/v1/accounts/{account.pk}/tags/",
        f"/api/v1/accounts/{account.pk}/segments/count/",
        f"/api/v1/accounts/{account.pk}/events/",
    ):
        error = _envelope(_post_text(api, url, body), 400)
        assert error["code"] == "parse_error"
        assert str(MAX_JSON_DEPTH) in error["message"]


def test_nesting_within_the_limit_reaches_the_fields_validation(api, account):
    depth = MAX_JSON_DEPTH - 1
    body = '{"name": ' + "[" * depth + "]" * depth + "}"
    error = _envelope(_post_text(api, f"/api/v1/accounts/{account.pk}/tags/", body), 400)
    assert error["code"] == "invalid"
    assert "name" in error["fields"]


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999999999"])
def test_non_finite_numbers_in_a_body_are_400(api, account, literal):
    body = f'{{"rules": {{"all": [{{"field": "age", "op": "gte", "value": {literal}}}]}}}}'
    url = f"/api/v1/accounts/{account.pk}/segments/count/"
    error = _envelope(_post_text(api, url, body), 400)
    assert error["code"] == "parse_error"


@pytest.mark.parametrize(
    ("text", "content_type", "status"),
    [
        ("not json", "application/json", 400),
        ('{"name": "vip"', "application/json", 400),
        ("name=vip", "application/x-www-form-urlencoded", 415),
        (b"\xff\xfe", "application/json", 400),
    ],
)
def test_bodies_that_are_not_json_are_4xx(api, account, text, content_type, status):
    url = f"/api/v1/accounts/{account.pk}/tags/"
    _envelope(_post_text(api, url, text, content_type), status)


def test_nul_in_the_portfolio_workspace_is_400_with_the_field(api, account):
    error = _envelope(api.get("/api/v1/portfolio/", {"workspace": "\x00"}), 400)
    assert "workspace" in error["fields"]
    assert api.get("/api/v1/portfolio/", {"workspace": "alpha"}).json()["count"] == 1


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-inf", "1e999999999"])
def test_non_finite_attribute_values_on_the_friends_api_are_400(api, account, value):
    from segments.models import AttributeDefinition

    AttributeDefinition.unscoped.create(account=account, key="score", label="Score", type="number")
    response = api.get(
        f"/api/v1/accounts/{account.pk}/friends/",
        {"attribute": "score", "attribute_op": "gte", "attribute_value": value},
    )
    error = _envelope(response, 400)
    assert "attribute_value" in error["fields"]


@pytest.mark.parametrize(
    "path", ["/api/v1/nope/", "/api/v1/accounts/abc/", "/api/v1/accounts/1/friends/x/y/z/"]
)
def test_unmatched_api_urls_are_a_json_404(api, path):
    error = _envelope(api.get(path), 404)
    assert error["code"] == "not_found"


def test_a_wrong_method_under_the_api_is_a_json_405(api, account):
    error = _envelope(api.delete("/api/v1/portfolio/"), 405)
    assert error["code"] == "method_not_allowed"


def test_server_errors_under_the_api_are_json_and_pages_stay_html():
    api_answer = errors.server_error(RequestFactory().get("/api/v1/accounts/"))
    assert api_answer.status_code == 500
    assert api_answer["Content-Type"] == "application/json"
    page_answer = errors.server_error(RequestFactory().get("/w/alpha/"))
    assert page_answer.status_code == 500
    assert page_answer["Content-Type"].startswith("text/html")


def test_pages_keep_the_html_404(owner_client):
    response = owner_client.get("/w/alpha/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
