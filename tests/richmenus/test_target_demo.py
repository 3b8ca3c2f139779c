"""The demo's gold-member segment menu: the rule, the gold friends linked, and tap history
that the taps page charts; seeding twice adds nothing."""

from types import SimpleNamespace

from richmenus.demo.targeting import SEGMENT_NAME, seed_rich_menu_targeting
from richmenus.models import FriendRichMenu, RichMenuRule, RichMenuTap
from segments.models import Friend, Segment
from tests.segments.factories import FriendFactory


def test_demo_gold_menu(account, scope):
    golds = [FriendFactory(account=account, member_tier="gold") for _ in range(4)]
    FriendFactory(account=account, member_tier="silver")
    FriendFactory(account=account, member_tier="gold", status=Friend.Status.BLOCKED)
    demo = SimpleNamespace(accounts={"a": account})
    assert seed_rich_menu_targeting(demo) > 0
    rule = RichMenuRule.objects.for_account(account).get()
    assert rule.segment == Segment.objects.for_account(account).get(name=SEGMENT_NAME)
    linked = FriendRichMenu.objects.for_account(account).values_list("friend_id", flat=True)
    assert sorted(linked) == sorted(f.pk for f in golds)
    assert RichMenuTap.objects.for_account(account).filter(kind="postback").exists()
    assert seed_rich_menu_targeting(demo) == 0
