"""The first assignment's run as a job: the plan streams into calls batch by batch, a later
step plans again from the recorded links (what a dead task left is redone, nothing twice), a
run whose task was lost is resumed by the next "Apply to everyone", and only one step of a
run works at a time."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from oa_console.line import rich_menu_links
from richmenus.models import FriendRichMenu, RichMenuAssignment
from richmenus.services import targeting_assignment
from richmenus.services.targeting_apply import Wanted, links_record
from segments.services.tagging import friend_tags_add
from tests.richmenus.conftest import assignment_run as _run
from tests.segments.factories import FriendFactory


def _gold(account, world, count):
    friends = [FriendFactory(account=account) for _ in range(count)]
    friend_tags_add(
        account=account, tag=world["gold"], friend_ids=[f.pk for f in friends], source="manual"
    )
    return friends


def test_batches_follow_the_bulk_size_and_the_rules_priority(
    account,
    world,
    line_menus,
    fake_line,
    monkeypatch,
):
    monkeypatch.setattr(rich_menu_links, "BULK_MAX_USERS", 2)
    golds = _gold(account, world, 5)
    vip = FriendFactory(account=account)
    friend_tags_add(account=account, tag=world["vip"], friend_ids=[vip.pk], source="manual")
    fake_line.requests.clear()

    assignment = _run(account)

    assert (assignment.status, assignment.total, assignment.done) == ("done", 6, 6)
    bulk = [call.json() for call in fake_line.calls("linkRichMenuIdToUsers")]
    assert [(b["richMenuId"], len(b["userIds"])) for b in bulk] == [("richmenu-gold1", 2)] * 2
    singles = [call.path for call in fake_line.calls("linkRichMenuIdToUser")]
    assert sorted(path.rsplit("/", 1)[1] for path in singles) == sorted(
        ["richmenu-vip1", "richmenu-gold1"]
    )
    assert line_menus.links == {
        **{f.line_user_id: "richmenu-gold1" for f in golds},
        vip.line_user_id: "richmenu-vip1",
    }
    assert assignment.calls == 4  # two bulk calls and two single links


def test_a_later_step_calls_only_for_what_no_step_recorded(
    account,
    world,
    line_menus,
    fake_line,
):
    golds = _gold(account, world, 3)
    rule = world["menus"][0]
    # A step that died had linked and recorded the first friend before it went.
    links_record(
        account=account,
        friend_ids=[golds[0].pk],
        wanted=Wanted(menu=rule, rule=None),
    )
    run = RichMenuAssignment.objects.for_account(account).create(
        account=account,
        status=RichMenuAssignment.Status.RUNNING,
        total=3,
        done=1,
        touched_at=timezone.now(),
    )
    fake_line.requests.clear()

    step = targeting_assignment.rich_menu_assignment_step(account=account, assignment_id=run.pk)

    assert step.again_in is None
    run.refresh_from_db()
    assert (run.status, run.total, run.done) == ("done", 3, 3)
    called = [
        u for call in fake_line.calls("linkRichMenuIdToUsers") for u in call.json()["userIds"]
    ]
    assert sorted(called) == sorted(f.line_user_id for f in golds[1:])
    assert FriendRichMenu.objects.for_account(account).count() == 3


def test_apply_to_everyone_resumes_a_run_whose_task_was_lost(
    account,
    world,
    line_menus,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    enqueued = []
    monkeypatch.setattr(
        targeting_assignment, "_enqueue", lambda run, countdown=0: enqueued.append(run.pk)
    )
    stale = RichMenuAssignment.objects.for_account(account).create(
        account=account,
        status=RichMenuAssignment.Status.RUNNING,
        touched_at=timezone.now() - targeting_assignment.STALE_AFTER - timedelta(seconds=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        again = targeting_assignment.rich_menu_assignment_start(account=account)
    assert again.pk == stale.pk and enqueued == [stale.pk]

    # A run that moved a moment ago has its task: asking again enqueues nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        targeting_assignment.rich_menu_assignment_start(account=account)
    assert enqueued == [stale.pk]
    assert RichMenuAssignment.objects.for_account(account).count() == 1


def test_a_second_step_of_the_same_run_waits_for_the_first(
    account,
    world,
    line_menus,
    fake_line,
):
    _gold(account, world, 2)
    run = targeting_assignment.rich_menu_assignment_start(account=account)
    key = f"richmenus:assignment-step:{run.pk}"
    cache.add(key, 1)
    fake_line.requests.clear()
    try:
        step = targeting_assignment.rich_menu_assignment_step(account=account, assignment_id=run.pk)
    finally:
        cache.delete(key)
    assert step.again_in == targeting_assignment.BUSY_RETRY_SECONDS
    assert fake_line.requests == []
    run.refresh_from_db()
    assert run.status == RichMenuAssignment.Status.PENDING


@pytest.mark.parametrize("status", [429, 500])
def test_a_call_refused_for_now_waits_and_keeps_only_what_precedes_it(
    account,
    world,
    line_menus,
    fake_line,
    monkeypatch,
    status,
):
    monkeypatch.setattr(rich_menu_links, "BULK_MAX_USERS", 2)
    _gold(account, world, 6)
    fake_line.fail_next("linkRichMenuIdToUsers", status=status)  # one of the three calls
    run = targeting_assignment.rich_menu_assignment_start(account=account)

    step = targeting_assignment.rich_menu_assignment_step(account=account, assignment_id=run.pk)

    assert step.again_in is not None and step.again_in > 0
    run.refresh_from_db()
    assert run.status == RichMenuAssignment.Status.RUNNING and run.attempts == 1
    recorded = FriendRichMenu.objects.for_account(account).count()
    assert run.done == recorded and recorded in (0, 2, 4)  # whole batches before the refusal
    finished = _run(account)
    assert (finished.status, finished.done, finished.total) == ("done", 6, 6)
    assert len(line_menus.links) == 6
    assert FriendRichMenu.objects.for_account(account).count() == 6
