"""The coupon pages: the list (filter, pagination), the form (every field checked in place,
LINE's refusals readable), the detail page (no editing: close and copy), close with its
confirmation, sync from LINE, and who may do what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coupons.models import Coupon
from tests.conftest import client_for
from tests.coupons.helpers import make_coupon

pytestmark = pytest.mark.django_db


def _url(account, name: str, *args) -> str:
    return reverse(name, args=[account.workspace.slug, account.slug, *args])


def _form(**values) -> dict:
    start = timezone.localtime().replace(second=0, microsecond=0) + dt.timedelta(hours=1)
    data = {
        "title": "Spring sale",
        "description": "10% off at every shop",
        "usage_condition": "One per visit",
        "image_url": "https://example.com/coupon.png",
        "reward": "discount",
        "price_type": "percentage",
        "percentage": "10",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(days=14)).strftime("%Y-%m-%dT%H:%M"),
        "timezone": "ASIA_TOKYO",
        "max_use_count_per_ticket": "1",
        "acquisition": "normal",
        "visibility": "UNLISTED",
    }
    data.update(values)
    return data


def test_create_sends_to_line_and_shows_the_coupon(account, marketer, line_coupons):
    response = client_for(marketer).post(_url(account, "coupon_create"), _form())
    coupon = Coupon.unscoped.get(account=account)
    assert response.status_code == 302
    assert response["Location"] == _url(account, "coupon_detail", coupon.pk)
    body = line_coupons.server.calls("createCoupon")[0].json()
    assert body["title"] == "Spring sale" and body["usageCondition"] == "One per visit"
    # The wall-clock time entered is read in the coupon's zone (Tokyo), not the server's.
    start = dt.datetime.strptime(_form()["starts_at"], "%Y-%m-%dT%H:%M")
    tokyo = start.replace(tzinfo=dt.timezone(dt.timedelta(hours=9)))
    assert body["startTimestamp"] == int(tokyo.timestamp())
    page = client_for(marketer).get(response["Location"]).content.decode()
    assert "10% off" in page and 'data-testid="no-editing"' in page


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 61}, "title"),
        ({"usage_condition": "x" * 101}, "usage_condition"),
        ({"description": "x" * 1001}, "description"),
        ({"percentage": "100"}, "percentage"),
        ({"percentage": ""}, "percentage"),
        ({"price_type": ""}, "price_type"),
        ({"reward": "cashBack", "price_type": "explicit"}, "price_type"),
        (
            {"price_type": "explicit", "original_price": "1000", "price_after_discount": "1200"},
            "price_after_discount",
        ),
        ({"image_url": "not a url"}, "image_url"),
        ({"acquisition": "lottery"}, "lottery_probability"),
        ({"acquisition": "lottery", "lottery_probability": "0"}, "lottery_probability"),
        (
            {"acquisition": "lottery", "lottery_probability": "5", "max_acquire_count": "1000000"},
            "max_acquire_count",
        ),
        ({"ends_at": "2020-01-01T00:00", "starts_at": "2019-12-01T00:00"}, "ends_at"),
        ({"timezone": "MARS"}, "timezone"),
        ({"visibility": "PRIVATE"}, "visibility"),
    ],
)
def test_every_field_is_checked_in_place_before_line(
    account, marketer, line_coupons, values, field
):
    response = client_for(marketer).post(_url(account, "coupon_create"), _form(**values))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert 'data-testid="field-error"' in response.content.decode()
    assert not line_coupons.server.calls("createCoupon")


def test_a_gift_needs_no_price(account, marketer, line_coupons):
    response = client_for(marketer).post(
        _url(account, "coupon_create"), _form(reward="gift", price_type="", percentage="")
    )
    assert response.status_code == 302
    assert line_coupons.server.calls("createCoupon")[0].json()["reward"] == {"type": "gift"}


def test_lines_refusal_is_shown_readably_and_nothing_is_kept(account, marketer, line_coupons):
    line_coupons.server.fail_next("createCoupon", 429)
    response = client_for(marketer).post(_url(account, "coupon_create"), _form())
    page = response.content.decode()
    assert response.status_code == 400 and "try again in a minute" in page
    assert "429" not in page
    assert not Coupon.unscoped.exists()


def test_list_filters_by_status_and_paginates(account, viewer):
    for number in range(26):
        make_coupon(account, title=f"Running {number}")
    make_coupon(account, title="Old one", status="CLOSED")
    client = client_for(viewer)
    page = client.get(_url(account, "coupon_list")).content.decode()
    assert page.count('data-testid="coupon-row"') == 25 and "Page 1 of 2" in page
    assert 'data-testid="new-coupon"' not in page  # a viewer reads only
    closed = client.get(_url(account, "coupon_list") + "?status=CLOSED").content.decode()
    assert closed.count('data-testid="coupon-row"') == 1 and "Old one" in closed


def test_close_asks_then_closes_and_copy_prefills_the_form(account, marketer, line_coupons):
    client = client_for(marketer)
    client.post(_url(account, "coupon_create"), _form(title="Summer"))
    coupon = Coupon.unscoped.get(account=account)
    confirm = client.get(_url(account, "coupon_close", coupon.pk))
    assert confirm.status_code == 200 and 'data-testid="confirm-close"' in confirm.content.decode()
    coupon.refresh_from_db()
    assert coupon.status == "RUNNING"  # asking closes nothing

    response = client.post(_url(account, "coupon_close", coupon.pk), {"then": "copy"})
    assert response.status_code == 302
    coupon.refresh_from_db()
    assert coupon.status == "CLOSED"
    assert line_coupons.coupons[coupon.line_coupon_id]["status"] == "CLOSED"
    form = client.get(response["Location"])
    assert form.context["form"].initial["title"] == "Summer"
    assert form.context["form"].initial["percentage"] == 10
    assert 'data-testid="copy-of"' in form.content.decode()


def test_close_refused_by_line_is_shown(account, marketer, line_coupons):
    coupon = make_coupon(account, line_coupon_id="UNKNOWN_TO_LINE")
    response = client_for(marketer).post(_url(account, "coupon_close", coupon.pk), follow=True)
    assert "LINE does not know this coupon" in response.content.decode()
    coupon.refresh_from_db()
    assert coupon.status == "RUNNING"


def test_sync_button_reads_oa_manager_coupons(account, marketer, line_coupons):
    line_coupons.add("Made in OA Manager")
    response = client_for(marketer).post(_url(account, "coupon_sync"), follow=True)
    page = response.content.decode()
    assert "1 new" in page and "Made in OA Manager" in page


def test_viewer_may_not_create_close_or_sync(account, viewer, line_coupons):
    coupon = make_coupon(account)
    client = client_for(viewer)
    assert client.get(_url(account, "coupon_create")).status_code == 403
    assert client.post(_url(account, "coupon_close", coupon.pk)).status_code == 403
    assert client.post(_url(account, "coupon_sync")).status_code == 403
    assert client.get(_url(account, "coupon_detail", coupon.pk)).status_code == 200
    assert not line_coupons.server.requests


def test_another_oas_coupon_is_a_404(account, other_account, owner):
    theirs = make_coupon(other_account)
    client = client_for(owner)
    assert client.get(_url(account, "coupon_detail", theirs.pk)).status_code == 404
    assert client.post(_url(account, "coupon_close", theirs.pk)).status_code == 404


def test_the_list_says_when_the_hourly_read_failed_and_what_it_shows(
    account, marketer, line_coupons
):
    from coupons.tasks import sync_coupons_all

    line_coupons.add("Made in OA Manager")
    assert sync_coupons_all() == 1
    page = client_for(marketer).get(_url(account, "coupon_list")).content.decode()
    assert 'data-testid="coupon-sync-at"' in page and "coupon-sync-failed" not in page

    line_coupons.server.fail_next("listCoupon", 500)
    assert sync_coupons_all() == 0
    page = client_for(marketer).get(_url(account, "coupon_list")).content.decode()
    assert 'data-testid="coupon-sync-failed"' in page
    assert "LINE" in page and "The list is as LINE had it at" in page
    assert "Made in OA Manager" in page  # the last good read stays

    line_coupons.server.fail_next("listCoupon", 500)
    client_for(marketer).post(_url(account, "coupon_sync"))  # a user's read records it too
    assert (
        'data-testid="coupon-sync-failed"'
        in client_for(marketer).get(_url(account, "coupon_list")).content.decode()
    )
    client_for(marketer).post(_url(account, "coupon_sync"))
    page = client_for(marketer).get(_url(account, "coupon_list")).content.decode()
    assert "coupon-sync-failed" not in page and 'data-testid="coupon-sync-at"' in page
