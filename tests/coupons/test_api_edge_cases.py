"""Edge cases of the coupons API (found by schemathesis): times out of range and huge numbers
answer 400 naming the field before LINE is asked, and LINE not answering or answering what
cannot be read is 400 ``line_unavailable`` with a message saying to try again, never a 5xx."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coupons.models import Coupon
from oa_console.roles import Role
from oa_console.services.api_keys import api_key_create
from tests.fakes.line_server import fake_line  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

# What schemathesis sent: a start in 1153 with an offset of -21:43, an end in 6605.
SCHEMATHESIS_BODY = {
    "usage_condition": "request",
    "ends_at": "6605-11-18T09:03:12.281233Z",
    "max_use_count_per_ticket": -1,
    "description": "Content-Length",
    "title": "CONTENT_LENGTH",
    "price_after_discount": 555998825,
    "fixed_amount": 22728,
    "visibility": "PUBLIC",
    "timezone": "AMERICA_CHICAGO",
    "reward": "gift",
    "starts_at": "1153-02-06T08:15:40.8-21:43",
}


def _client(workspace) -> Client:
    _api_key, raw = api_key_create(workspace=workspace, name="edge", role=Role.MARKETER)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", raise_request_exception=False)


def _coupon(**values) -> dict:
    start = timezone.now() + dt.timedelta(hours=1)
    return {
        "title": "Free coffee",
        "reward": "free",
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(days=7)).isoformat(),
        "timezone": "ASIA_TAIPEI",
        "visibility": "PUBLIC",
        **values,
    }


def _post(client, account, name: str, body=None):
    url = reverse(name, args=[account.pk])
    if body is None:
        return client.post(url)
    return client.post(url, body, content_type="application/json")


def test_schemathesis_body_is_a_400_naming_both_times(workspace, account, line_coupons):
    response = _post(_client(workspace), account, "api_coupon_list", SCHEMATHESIS_BODY)
    assert response.status_code == 400, response.content
    assert set(response.json()["error"]["fields"]) == {"starts_at", "ends_at"}
    assert not line_coupons.server.calls("createCoupon")


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"starts_at": "1999-12-31T23:59:59Z"}, "starts_at"),
        ({"ends_at": "2100-01-01T00:00:00Z"}, "ends_at"),
        ({"ends_at": "9999-12-31T23:59:59-23:59"}, "ends_at"),
        ({"starts_at": "0001-01-01T00:00:00+23:59"}, "starts_at"),
        ({"reward": "discount", "price_type": "fixed", "fixed_amount": 10**15}, "fixed_amount"),
        ({"reward": "discount", "price_type": "percentage", "percentage": -5}, "percentage"),
    ],
)
def test_out_of_range_values_are_a_400_naming_the_field(
    workspace, account, line_coupons, values, field
):
    response = _post(_client(workspace), account, "api_coupon_list", _coupon(**values))
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not line_coupons.server.calls("createCoupon")


def test_an_answer_line_does_not_document_is_a_400_not_a_500(workspace, account, fake_line):  # noqa: F811
    # The fake LINE without the coupon handlers answers 200 with a body lacking couponId/items.
    client = _client(workspace)
    created = _post(client, account, "api_coupon_list", _coupon())
    assert created.status_code == 400, created.content
    assert created.json()["error"]["code"] == "line_unavailable"
    assert "LINE" in created.json()["error"]["message"]
    synced = _post(client, account, "api_coupon_sync")
    assert synced.status_code == 400, synced.content
    assert synced.json()["error"]["code"] == "line_unavailable"
    assert not Coupon.unscoped.exists()


def test_sync_line_does_not_answer_is_a_400_and_writes_nothing(workspace, account, line_coupons):
    line_coupons.add("Kept in LINE")
    line_coupons.server.fail_next("listCoupon", 500)
    response = _post(_client(workspace), account, "api_coupon_sync")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "line_unavailable"
    assert not Coupon.unscoped.exists()
    again = _post(_client(workspace), account, "api_coupon_sync")
    assert again.status_code == 200 and again.json() == {"added": 1, "updated": 0}


def test_sync_rate_limited_is_a_400_saying_to_try_again(workspace, account, line_coupons):
    line_coupons.server.fail_next("listCoupon", 429, retry_after=30)
    response = _post(_client(workspace), account, "api_coupon_sync")
    assert response.status_code == 400
    assert "try again" in response.json()["error"]["message"]
