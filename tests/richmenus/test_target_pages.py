"""The rich menu rules page as a marketer uses it: add a segment menu (errors shown in place),
apply to everyone and watch the progress, and the taps page with its chart and CSV."""

import csv
import io
from urllib.parse import urlsplit

from django.urls import reverse
from django.utils import timezone

from oa_console.activity.draining import activity_drain
from richmenus.models import RichMenuAssignment, RichMenuRule, RichMenuTap
from richmenus.services.links import tracked_uri
from tests.conftest import client_for
from tests.richmenus.conftest import make_menu, make_tag, tag_segment
from tests.segments.factories import FriendFactory


def _url(name, account, *args):
    return reverse(name, args=[account.workspace.slug, account.slug, *args])


def test_add_a_segment_menu_with_errors_in_place(account, owner_client, scope):
    menu = make_menu(account, "Gold", "richmenu-gold1")
    segment = tag_segment(account, make_tag(account, "gold"), "Gold members")
    page = owner_client.get(_url("rich_menu_rules", account))
    assert page.status_code == 200
    assert b"rich-menu-rules-empty" in page.content
    assert b"lowest priority number" in page.content  # the precedence help

    bad = owner_client.post(
        _url("rich_menu_rule_new", account),
        {"kind": "segment", "menu": menu.pk, "priority": 1, "is_active": "on"},
    )
    assert bad.status_code == 200
    assert "Choose one of this account&#x27;s segments." in bad.content.decode()
    assert not RichMenuRule.objects.for_account(account).exists()

    good = owner_client.post(
        _url("rich_menu_rule_new", account),
        {
            "kind": "segment",
            "segment": segment.pk,
            "menu": menu.pk,
            "priority": 2,
            "is_active": "on",
        },
    )
    assert good.status_code == 302
    rule = RichMenuRule.objects.for_account(account).get()
    assert (rule.segment, rule.menu, rule.priority) == (segment, menu, 2)
    listing = owner_client.get(_url("rich_menu_rules", account)).content.decode()
    assert "Gold members" in listing and "rich-menu-rule-row" in listing


def test_another_accounts_menu_is_refused(account, other_account, owner_client, scope):
    foreign = make_menu(other_account, "Theirs", "richmenu-theirs1")
    segment = tag_segment(account, make_tag(account, "gold"), "Gold")
    response = owner_client.post(
        _url("rich_menu_rule_new", account),
        {"kind": "segment", "segment": segment.pk, "menu": foreign.pk, "priority": 1},
    )
    assert response.status_code == 200 and b"field-error" in response.content
    assert not RichMenuRule.objects.for_account(account).exists()


def test_apply_to_everyone_shows_progress_that_polls(account, owner_client, scope):
    response = owner_client.post(_url("rich_menu_rules_apply", account))
    assert response.status_code == 302
    run = RichMenuAssignment.objects.for_account(account).get()
    assert run.status == RichMenuAssignment.Status.PENDING
    poll = owner_client.get(_url("rich_menu_rules", account), HTTP_HX_REQUEST="true")
    body = poll.content.decode()
    assert 'id="assignment-progress"' in body and 'hx-trigger="every 2s"' in body
    assert "rich-menu-rules" not in body  # only the fragment
    owner_client.post(_url("rich_menu_rules_apply", account))
    assert RichMenuAssignment.objects.for_account(account).count() == 1  # one run at a time


def test_viewer_reads_but_cannot_change_rules(account, viewer, scope):
    client = client_for(viewer)
    assert client.get(_url("rich_menu_rules", account)).status_code == 200
    assert client.post(_url("rich_menu_rules_apply", account)).status_code == 403
    assert client.get(_url("rich_menu_rule_new", account)).status_code == 403


def test_taps_page_chart_and_csv(account, owner_client, scope):
    menu = make_menu(
        account,
        "Gold",
        "richmenu-gold1",
        areas=[
            {"type": "postback", "data": "menu=coupons"},
            {"type": "uri", "uri": "https://shop.example/"},
        ],
    )
    areas = list(menu.areas.all())
    friend = FriendFactory(account=account)
    now = timezone.now()
    for _ in range(3):
        RichMenuTap.objects.for_account(account).create(
            account=account, menu=menu, area=areas[0], friend=friend, kind="postback", tapped_at=now
        )
    page = owner_client.get(_url("rich_menu_taps", account))
    body = page.content.decode()
    assert page.status_code == 200 and 'data-plotly-figure="rich-menu-taps-figure"' in body
    assert "taps-areas" in body and "Area 1" in body
    # Unfiltered, the page covers 30 days, and its period select says so.
    assert '<option value="30" selected>' in body
    download = owner_client.get(
        _url("rich_menu_taps", account), {"days": 7, "download": "taps.csv"}
    )
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == ["day", "menu_id", "menu", "taps"]
    assert len(rows) == 1 + 7 and sum(int(r[3]) for r in rows[1:]) == 3


def test_link_area_click_is_a_tap_of_its_area(account, client, scope):
    """The designer's click redirect publishes a link click naming the menu; the hub makes it
    a tap of the area with that link."""
    menu = make_menu(
        account, "Gold", "richmenu-gold1", areas=[{"type": "uri", "uri": "https://shop.example/a"}]
    )
    area = menu.areas.get()
    activity_drain()
    redirect = tracked_uri(menu, "https://shop.example/a")
    response = client.get(urlsplit(redirect).path)
    assert response.status_code == 302 and response["Location"] == "https://shop.example/a"
    activity_drain()
    tap = RichMenuTap.objects.for_account(account).get()
    assert (tap.kind, tap.area, tap.menu, tap.friend) == ("link", area, menu, None)
    activity_drain()  # delivered once
    assert RichMenuTap.objects.for_account(account).count() == 1
