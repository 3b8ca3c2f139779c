"""Segment menus end to end against the fake LINE server: the first assignment links each
following friend the menu of their first-priority segment rule through bulk link (changes
only), and the activity hub keeps it current when a tag change moves a friend between
segments; tag menus and journeys' menus stay until the next assignment."""

from oa_console.activity.draining import activity_drain
from richmenus.models import FriendRichMenu, RichMenuAssignment, RichMenuRule
from richmenus.services import targeting_assignment
from richmenus.services.targeting_apply import friend_rich_menu_switch
from segments.models import Friend
from segments.services.tagging import friend_tags_add, friend_tags_remove
from tests.richmenus.conftest import assignment_run as _run
from tests.segments.factories import FriendFactory


def test_first_assignment_links_each_friend_their_first_priority_menu(
    account, world, line_menus, fake_line
):
    golds = [FriendFactory(account=account) for _ in range(3)]
    both = FriendFactory(account=account)
    blocked = FriendFactory(account=account, status=Friend.Status.BLOCKED)
    nobody = FriendFactory(account=account)
    friend_tags_add(
        account=account,
        tag=world["gold"],
        friend_ids=[f.pk for f in [*golds, both, blocked]],
        source="manual",
    )
    friend_tags_add(account=account, tag=world["vip"], friend_ids=[both.pk], source="manual")
    fake_line.requests.clear()

    assignment = _run(account)

    assert assignment.status == RichMenuAssignment.Status.DONE
    assert (assignment.total, assignment.done, assignment.percent) == (4, 4, 100)
    assert line_menus.links == {
        **{f.line_user_id: "richmenu-gold1" for f in golds},
        both.line_user_id: "richmenu-vip1",
    }
    assert blocked.line_user_id not in line_menus.links
    assert nobody.line_user_id not in line_menus.links
    bulk = fake_line.calls("linkRichMenuIdToUsers")
    assert [len(call.json()["userIds"]) for call in bulk] == [3]
    assert len(fake_line.calls("linkRichMenuIdToUser")) == 1  # a batch of one: no bulk call
    rows = FriendRichMenu.objects.for_account(account)
    assert rows.count() == 4 and rows.get(friend=both).menu == world["menus"][1]

    # A second run calls LINE only for changes: none.
    fake_line.requests.clear()
    again = _run(account)
    assert again.total == 0 and again.status == RichMenuAssignment.Status.DONE
    assert fake_line.calls("linkRichMenuIdToUsers") == []


def test_assignment_unlinks_friends_who_left_every_segment(account, world, line_menus):
    friend = FriendFactory(account=account)
    friend_tags_add(account=account, tag=world["gold"], friend_ids=[friend.pk], source="manual")
    _run(account)
    assert line_menus.links == {friend.line_user_id: "richmenu-gold1"}
    RichMenuRule.objects.for_account(account).filter(menu=world["menus"][0]).update(is_active=False)
    assignment = _run(account)
    assert assignment.done == 1 and line_menus.links == {}
    assert not FriendRichMenu.objects.for_account(account).exists()


def test_a_refused_menu_fails_the_run_with_lines_message(account, world, line_menus):
    friend = FriendFactory(account=account)
    friend_tags_add(account=account, tag=world["gold"], friend_ids=[friend.pk], source="manual")
    line_menus.menus.discard("richmenu-gold1")  # deleted at LINE behind the console's back
    assignment = _run(account)
    assert assignment.status == RichMenuAssignment.Status.FAILED
    assert "richmenu not found" in assignment.error
    assert not FriendRichMenu.objects.for_account(account).exists()


def test_rate_limited_batch_waits_and_resumes(account, world, line_menus, fake_line):
    friends = [FriendFactory(account=account) for _ in range(2)]
    friend_tags_add(
        account=account, tag=world["gold"], friend_ids=[f.pk for f in friends], source="manual"
    )
    fake_line.fail_next("linkRichMenuIdToUsers", status=429, retry_after=7)
    assignment = targeting_assignment.rich_menu_assignment_start(account=account)
    step = targeting_assignment.rich_menu_assignment_step(
        account=account, assignment_id=assignment.pk
    )
    assert step.again_in == 7
    assignment.refresh_from_db()
    assert assignment.status == RichMenuAssignment.Status.RUNNING and assignment.done == 0
    assert line_menus.links == {}
    finished = _run(account)  # the same run resumes
    assert finished.pk == assignment.pk and finished.done == 2
    assert len(line_menus.links) == 2


def test_hub_links_a_friend_who_joins_a_segment_and_unlinks_on_leaving(
    account, world, line_menus, fake_line
):
    friend = FriendFactory(account=account)
    activity_drain()
    friend_tags_add(account=account, tag=world["gold"], friend_ids=[friend.pk], source="manual")
    activity_drain()
    assert line_menus.links == {friend.line_user_id: "richmenu-gold1"}
    assert [c.operation_id for c in fake_line.requests][-1] == "linkRichMenuIdToUser"
    row = FriendRichMenu.objects.for_account(account).get(friend=friend)
    assert row.source == FriendRichMenu.Source.SEGMENT and row.rule.priority == 2

    friend_tags_add(account=account, tag=world["vip"], friend_ids=[friend.pk], source="manual")
    activity_drain()
    assert line_menus.links == {friend.line_user_id: "richmenu-vip1"}

    calls = len(fake_line.requests)
    friend_tags_remove(account=account, tag=world["gold"], friend_ids=[friend.pk])
    activity_drain()
    assert len(fake_line.requests) == calls  # still a VIP: nothing to change at LINE

    friend_tags_remove(account=account, tag=world["vip"], friend_ids=[friend.pk])
    activity_drain()
    assert line_menus.links == {}
    assert not FriendRichMenu.objects.for_account(account).exists()


def test_hub_skips_blocked_friends(account, world, line_menus, fake_line):
    friend = FriendFactory(account=account, status=Friend.Status.BLOCKED)
    activity_drain()
    friend_tags_add(account=account, tag=world["gold"], friend_ids=[friend.pk], source="manual")
    activity_drain()
    assert fake_line.calls("linkRichMenuIdToUser") == [] and line_menus.links == {}


def test_tag_menu_wins_over_segment_menus_until_the_next_assignment(account, world, line_menus):
    friend = FriendFactory(account=account)
    activity_drain()
    friend_tags_add(account=account, tag=world["sale"], friend_ids=[friend.pk], source="manual")
    activity_drain()
    assert line_menus.links == {friend.line_user_id: "richmenu-sale1"}
    friend_tags_add(account=account, tag=world["gold"], friend_ids=[friend.pk], source="manual")
    activity_drain()
    assert line_menus.links == {friend.line_user_id: "richmenu-sale1"}  # pinned
    _run(account)
    assert line_menus.links == {friend.line_user_id: "richmenu-gold1"}


def test_journey_switch_links_one_friend_and_pins_it(account, world, line_menus):
    friend = FriendFactory(account=account)
    outcome = friend_rich_menu_switch(account=account, friend=friend, menu=world["menus"][2])
    assert outcome.accepted and line_menus.links == {friend.line_user_id: "richmenu-sale1"}
    row = FriendRichMenu.objects.for_account(account).get(friend=friend)
    assert row.source == FriendRichMenu.Source.JOURNEY
    assert friend_rich_menu_switch(account=account, friend=friend, menu=world["menus"][2]) is None


def test_hub_retries_a_rate_limited_link_later(account, world, line_menus, fake_line, monkeypatch):
    import richmenus.subscribers as subscribers

    sent = []
    monkeypatch.setattr(
        subscribers, "enqueue_best_effort", lambda task, args, **kw: sent.append((args, kw))
    )
    friend = FriendFactory(account=account)
    activity_drain()
    fake_line.fail_next("linkRichMenuIdToUser", status=429, retry_after=3)
    friend_tags_add(account=account, tag=world["gold"], friend_ids=[friend.pk], source="manual")
    activity_drain()
    assert line_menus.links == {}
    tags = {str(friend.pk): [world["gold"].pk]}  # tag rules fire again on the retry
    assert sent == [((account.pk, [friend.pk], tags), {"countdown": 3})]
    from richmenus.targeting_tasks import sync_friend_rich_menus

    assert sync_friend_rich_menus(*sent[0][0]) == 1
    assert line_menus.links == {friend.line_user_id: "richmenu-gold1"}
