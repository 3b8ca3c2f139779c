"""Postback taps reach the activity hub like every webhook postback; the ones sending a menu
area's data are counted for that area, credited to the menu (and rule) the friend was shown."""

from django.utils import timezone

from oa_console.activity.draining import activity_drain
from oa_console.activity.models import Activity
from oa_console.activity.publishing import publish
from richmenus.models import FriendRichMenu, RichMenuRule, RichMenuTap
from tests.richmenus.conftest import make_menu, make_tag, tag_segment
from tests.segments.factories import FriendFactory

COUPONS = {"type": "postback", "data": "menu=coupons"}


def _postback(account, friend, data: str) -> None:
    publish(
        account=account,
        kind=Activity.Kind.POSTBACK,
        friend_id=friend.pk,
        line_user_id=friend.line_user_id,
        payload={"interaction": "postback", "data": {"data": data}},
    )


def test_postback_from_the_friends_menu_is_its_areas_tap(account, scope, fake_line):
    gold = make_menu(account, "Gold", "richmenu-gold1", areas=[COUPONS])
    other = make_menu(account, "Other", "richmenu-vip1", areas=[COUPONS])
    rule = RichMenuRule.objects.for_account(account).create(
        account=account,
        kind="segment",
        segment=tag_segment(account, make_tag(account, "gold"), "Gold"),
        menu=gold,
    )
    friend = FriendFactory(account=account)
    FriendRichMenu.objects.for_account(account).create(
        account=account,
        friend=friend,
        menu=gold,
        rule=rule,
        source="segment",
        linked_at=timezone.now(),
    )
    stranger = FriendFactory(account=account)
    activity_drain()
    _postback(account, friend, "menu=coupons")
    _postback(account, stranger, "menu=coupons")
    _postback(account, friend, "order=123")  # not a menu's postback
    activity_drain()
    taps = {tap.friend_id: tap for tap in RichMenuTap.objects.for_account(account)}
    assert set(taps) == {friend.pk, stranger.pk}
    assert (taps[friend.pk].menu, taps[friend.pk].rule) == (gold, rule)
    assert taps[friend.pk].area == gold.areas.get()
    assert taps[stranger.pk].rule is None and taps[stranger.pk].menu in (gold, other)
    activity_drain()  # a second drain delivers nothing again
    assert RichMenuTap.objects.for_account(account).count() == 2
