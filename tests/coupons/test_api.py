"""The coupons API: list (status filter), create (400 naming the field, LINE's refusals),
retrieve, close, sync, roles and isolation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coupons.models import Coupon
from oa_console.roles import Role
from oa_console.services.api_keys import api_key_create
from tests.coupons.helpers import make_coupon

pytestmark = pytest.mark.django_db


def _client(workspace, role=Role.MARKETER) -> Client:
    _api_key, raw = api_key_create(workspace=workspace, name=role, role=role)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _url(name: str, account, *args) -> str:
    return reverse(name, args=[account.pk, *args])


def _coupon(**values) -> dict:
    start = timezone.now() + dt.timedelta(hours=1)
    return {
        "title": "Free coffee",
        "reward": "free",
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(days=7)).isoformat(),
        "timezone": "ASIA_TAIPEI",
        "visibility": "PUBLIC",
        "acquisition": "lottery",
        "lottery_probability": 10,
        "max_acquire_count": 300,
        **values,
    }


def test_create_then_read_list_and_close(workspace, account, line_coupons):
    client = _client(workspace)
    created = client.post(
        _url("api_coupon_list", account), _coupon(), content_type="application/json"
    )
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["status"] == "RUNNING" and data["acquisition"] == "lottery"
    assert data["messages_sent"] == 0
    body = line_coupons.server.calls("createCoupon")[0].json()
    assert body["timezone"] == "ASIA_TAIPEI" and body["reward"] == {"type": "free"}

    listed = client.get(_url("api_coupon_list", account) + "?status=RUNNING").json()
    assert [c["id"] for c in listed["results"]] == [data["id"]]
    assert client.get(_url("api_coupon_list", account) + "?status=CLOSED").json()["count"] == 0
    assert client.get(_url("api_coupon_list", account) + "?status=nope").status_code == 400

    closed = client.post(_url("api_coupon_close", account, data["id"]))
    assert closed.status_code == 200 and closed.json()["status"] == "CLOSED"
    again = client.post(_url("api_coupon_close", account, data["id"]))
    assert again.status_code == 400
    assert client.get(_url("api_coupon_detail", account, data["id"])).json()["status"] == "CLOSED"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": "x" * 61}, "title"),
        ({"reward": "discount"}, "price_type"),
        ({"reward": "discount", "price_type": "percentage"}, "percentage"),
        ({"lottery_probability": 100}, "lottery_probability"),
        ({"max_acquire_count": 1_000_000}, "max_acquire_count"),
        ({"timezone": "Asia/Tokyo"}, "timezone"),
        ({"ends_at": "2020-01-01T00:00:00Z", "starts_at": "2019-01-01T00:00:00Z"}, "ends_at"),
        ({"max_use_count_per_ticket": 2}, "max_use_count_per_ticket"),
    ],
)
def test_refusals_name_the_field_and_line_is_not_asked(
    workspace, account, line_coupons, values, field
):
    response = _client(workspace).post(
        _url("api_coupon_list", account), _coupon(**values), content_type="application/json"
    )
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not line_coupons.server.calls("createCoupon")


def test_lines_refusal_answers_400_naming_the_field(workspace, account, line_coupons):
    line_coupons.server.fail_next("createCoupon", 400, message="The request body has 1 error(s)")
    response = _client(workspace).post(
        _url("api_coupon_list", account), _coupon(), content_type="application/json"
    )
    assert response.status_code == 400
    assert not Coupon.unscoped.exists()


def test_sync(workspace, account, line_coupons):
    line_coupons.add("Made in OA Manager")
    response = _client(workspace).post(_url("api_coupon_sync", account))
    assert response.json() == {"added": 1, "updated": 0}
    assert Coupon.unscoped.get().origin == "line"


def test_viewer_reads_but_may_not_write(workspace, account, line_coupons):
    coupon = make_coupon(account)
    client = _client(workspace, Role.VIEWER)
    assert client.get(_url("api_coupon_detail", account, coupon.pk)).status_code == 200
    assert client.post(_url("api_coupon_close", account, coupon.pk)).status_code == 403
    assert client.post(_url("api_coupon_sync", account)).status_code == 403
    response = client.post(
        _url("api_coupon_list", account), _coupon(), content_type="application/json"
    )
    assert response.status_code == 403
    assert not line_coupons.server.requests


def test_another_oas_coupon_is_a_404(workspace, account, other_account):
    theirs = make_coupon(other_account)
    client = _client(workspace)
    assert client.get(_url("api_coupon_detail", account, theirs.pk)).status_code == 404
    assert client.post(_url("api_coupon_close", account, theirs.pk)).status_code == 404
