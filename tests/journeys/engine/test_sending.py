"""Journey sends through the fake LINE server: multicast grouping, push for personalised
messages, retry keys that make a repeated call harmless, governance and a revoked token."""

from datetime import UTC, datetime, timedelta

from journeys.engine.enrol import enrolment_start, enrolments_start_many
from journeys.engine.runner import enrolments_advance_due
from journeys.engine.sending import journey_sends_deliver, journey_sends_plan
from journeys.engine.sending.requests import ClaimedCall, journey_call
from journeys.models import EnrolmentStep, Journey, JourneySend
from oa_console.line import clients
from segments.services.sending_rules import sending_rules_get
from tests.journeys.engine.conftest import graph_with
from tests.segments.factories import FriendFactory

NOW = datetime(2026, 5, 4, 3, 0, tzinfo=UTC)  # 12:00 in Tokyo
# A group is planned once no friend has joined it for the coalescing window (3 s).
WINDOW = timedelta(seconds=3)


def send_graph(text: str, quiet: str = "defer") -> dict:
    return graph_with(
        start="send",
        nodes={
            "send": {
                "type": "send",
                "quiet_hours": quiet,
                "messages": [{"type": "text", "text": text}],
            },
            "end": {"type": "exit"},
        },
        edges={"send": {"next": "end"}},
    )


def test_identical_messages_in_one_minute_go_as_one_multicast(
    account, make_journey, fake_line, line
):
    journey = make_journey(send_graph("Price drop on your item!"))
    friends = [FriendFactory(account=account) for _ in range(3)]
    enrolments_start_many(
        account=account, journey=journey, friend_ids=[f.pk for f in friends], properties={}, now=NOW
    )
    enrolments_advance_due(now=NOW)
    assert journey_sends_deliver(now=NOW + WINDOW) == 1
    calls = fake_line.calls("multicast")
    assert len(calls) == 1
    assert sorted(calls[0].json()["to"]) == sorted(f.line_user_id for f in friends)
    rows = JourneySend.objects.for_account(account)
    assert set(rows.values_list("status", "method")) == {("sent", "multicast")}
    assert len(set(rows.values_list("retry_key", flat=True))) == 1
    assert EnrolmentStep.objects.for_account(account).filter(kind="sent").count() == 3
    assert all(line.received[f.line_user_id] == 1 for f in friends)
    # Nothing is left: a second sweep calls nobody.
    assert journey_sends_deliver(now=NOW + WINDOW + timedelta(seconds=10)) == 0


def test_personalised_messages_go_by_push(account, make_journey, fake_line, line):
    journey = make_journey(send_graph("Hi {displayName}"))
    friends = [FriendFactory(account=account, display_name=n) for n in ("Aki", "Ben")]
    enrolments_start_many(
        account=account, journey=journey, friend_ids=[f.pk for f in friends], properties={}, now=NOW
    )
    enrolments_advance_due(now=NOW)
    assert journey_sends_deliver(now=NOW + WINDOW) == 2
    texts = sorted(c.json()["messages"][0]["text"] for c in fake_line.calls("pushMessage"))
    assert texts == ["Hi Aki", "Hi Ben"]
    assert not fake_line.calls("multicast")


def test_a_repeated_call_after_a_crash_is_answered_409_not_delivered_twice(
    account,
    make_journey,
    fake_line,
    line,
):
    journey = make_journey(send_graph("Once"))
    friend = FriendFactory(account=account)
    enrolment_start(account=account, journey=journey, friend=friend, properties={}, now=NOW)
    enrolments_advance_due(now=NOW)
    journey_sends_plan(now=NOW + WINDOW)
    row = JourneySend.objects.for_account(account).get()
    # A worker that made the call and died before recording it: LINE accepted it already.
    with clients.messaging_api(account) as api:
        assert journey_call(api, ClaimedCall(row, [row.line_user_id]))().accepted
    assert journey_sends_deliver(now=NOW + WINDOW) == 1
    row.refresh_from_db()
    assert row.status == "sent"
    assert line.received[friend.line_user_id] == 1
    assert len(fake_line.calls("pushMessage")) == 2


def test_line_busy_retries_later_with_the_same_key(account, make_journey, fake_line, line):
    journey = make_journey(send_graph("Later"))
    enrolment_start(
        account=account,
        journey=journey,
        friend=FriendFactory(account=account),
        properties={},
        now=NOW,
    )
    enrolments_advance_due(now=NOW)
    fake_line.fail_next("pushMessage", 500)
    journey_sends_deliver(now=NOW + WINDOW)
    row = JourneySend.objects.for_account(account).get()
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at > NOW + WINDOW
    journey_sends_deliver(now=row.next_attempt_at)
    row.refresh_from_db()
    assert row.status == "sent"
    keys = {
        c.headers.get("X-Line-Retry-Key") or c.headers.get("x-line-retry-key")
        for c in fake_line.calls("pushMessage")
    }
    assert keys == {str(row.retry_key)}


def test_a_revoked_token_fails_the_send_and_pauses_the_journey(
    account,
    make_journey,
    fake_line,
    line,
):
    journey = make_journey(send_graph("Hello"))
    enrolment_start(
        account=account,
        journey=journey,
        friend=FriendFactory(account=account),
        properties={},
        now=NOW,
    )
    enrolments_advance_due(now=NOW)
    fake_line.fail_next("pushMessage", 401, message="Authentication failed")
    journey_sends_deliver(now=NOW + WINDOW)
    row = JourneySend.objects.for_account(account).get()
    assert row.status == "failed"
    journey.refresh_from_db()
    assert journey.status == Journey.Status.PAUSED
    assert "disconnected" in journey.paused_reason


def test_quiet_hours_defer_or_drop(account, make_journey, fake_line, line):
    account.time_zone = "Asia/Tokyo"
    account.save()
    rules = sending_rules_get(account=account)
    rules.quiet_enabled = True
    rules.quiet_start = datetime(2000, 1, 1, 11, 0).time()
    rules.quiet_end = datetime(2000, 1, 1, 13, 0).time()
    rules.save()
    deferred = make_journey(send_graph("Deferred"))
    dropped = make_journey(send_graph("Dropped", quiet="drop"))
    friend = FriendFactory(account=account)
    for journey in (deferred, dropped):
        enrolment_start(account=account, journey=journey, friend=friend, properties={}, now=NOW)
    enrolments_advance_due(now=NOW)
    rows = JourneySend.objects.for_account(account)
    assert list(rows.values_list("journey_id", "status")) == [(dropped.pk, "dropped")]
    # 13:00 in Tokyo: the deferred send is written then.
    enrolments_advance_due(now=datetime(2026, 5, 4, 4, 0, tzinfo=UTC))
    assert rows.filter(journey=deferred, status="pending").count() == 1


def test_frequency_cap_counts_journey_sends_and_holds_the_next(
    account,
    make_journey,
    fake_line,
    line,
):
    rules = sending_rules_get(account=account)
    rules.cap_enabled, rules.cap_messages, rules.cap_days, rules.quiet_enabled = True, 1, 7, False
    rules.save()
    friend = FriendFactory(account=account)
    first = make_journey(send_graph("First"))
    second = make_journey(send_graph("Second"))
    enrolment_start(account=account, journey=first, friend=friend, properties={}, now=NOW)
    enrolments_advance_due(now=NOW)
    journey_sends_deliver(now=NOW + WINDOW)
    later = NOW + timedelta(hours=1)
    enrolment = enrolment_start(
        account=account, journey=second, friend=friend, properties={}, now=later
    ).enrolment
    enrolments_advance_due(now=later)
    row = JourneySend.objects.for_account(account).get(journey=second)
    assert row.status == "capped"
    held = EnrolmentStep.objects.for_account(account).get(enrolment=enrolment, kind="held")
    assert held.detail["reason"] == "frequency_cap"
    assert line.received[friend.line_user_id] == 1


def test_a_test_run_sends_a_draft_with_waits_in_seconds(account, scope, fake_line, line):
    from journeys.engine.test_run import journey_test_run

    graph = graph_with(
        start="wait",
        nodes={
            "wait": {
                "type": "wait",
                "mode": "duration",
                "duration": {"amount": 1, "unit": "hours"},
            },
            "send": {
                "type": "send",
                "quiet_hours": "drop",
                "messages": [{"type": "text", "text": "Test"}],
            },
            "end": {"type": "exit"},
        },
        edges={"wait": {"next": "send"}, "send": {"next": "end"}},
    )
    journey = Journey.unscoped.create(account=account, name="Draft", draft_graph=graph)
    friend = FriendFactory(account=account)
    enrolment = journey_test_run(account=account, journey=journey, friend=friend, user=None)
    assert enrolment.is_test
    enrolments_advance_due(now=enrolment.entered_at)
    enrolment.refresh_from_db()
    assert enrolment.next_run_at == enrolment.entered_at + timedelta(seconds=1)
    enrolments_advance_due(now=enrolment.entered_at + timedelta(seconds=1))
    journey_sends_deliver(now=enrolment.entered_at + timedelta(seconds=1) + WINDOW)
    assert line.received[friend.line_user_id] == 1


def test_journey_sends_count_towards_the_cap_broadcasts_apply(account, make_journey, line):
    """The cap is one for the whole OA: segments' ``frequency_capped`` (which the broadcast
    planner asks too) counts a message a journey sent."""
    from segments.services.sending_rules import frequency_capped

    rules = sending_rules_get(account=account)
    rules.cap_enabled, rules.cap_messages, rules.cap_days, rules.quiet_enabled = True, 1, 7, False
    rules.save()
    friend, other = FriendFactory(account=account), FriendFactory(account=account)
    journey = make_journey(send_graph("Only one"))
    enrolment_start(account=account, journey=journey, friend=friend, properties={}, now=NOW)
    enrolments_advance_due(now=NOW)
    ids = [friend.pk, other.pk]
    assert frequency_capped(account=account, friend_ids=ids, now=NOW) == set()
    journey_sends_deliver(now=NOW + WINDOW)
    later = NOW + timedelta(minutes=5)
    assert frequency_capped(account=account, friend_ids=ids, now=later) == {friend.pk}


def test_the_cap_is_checked_once_per_batch_for_every_friend_of_it(account, make_journey, line):
    rules = sending_rules_get(account=account)
    rules.cap_enabled, rules.cap_messages, rules.cap_days, rules.quiet_enabled = True, 1, 7, False
    rules.save()
    capped_friend = FriendFactory(account=account)
    first = make_journey(send_graph("First"))
    enrolment_start(account=account, journey=first, friend=capped_friend, properties={}, now=NOW)
    enrolments_advance_due(now=NOW)
    journey_sends_deliver(now=NOW + WINDOW)
    later = NOW + timedelta(hours=1)
    second = make_journey(send_graph("Second"))
    friends = [capped_friend] + [FriendFactory(account=account) for _ in range(5)]
    enrolments_start_many(
        account=account,
        journey=second,
        friend_ids=[f.pk for f in friends],
        properties={},
        now=later,
    )
    enrolments_advance_due(now=later)
    rows = JourneySend.objects.for_account(account).filter(journey=second)
    assert rows.get(friend=capped_friend).status == "capped"
    assert rows.filter(status="pending").count() == 5


def test_a_body_line_refuses_fails_its_send_and_the_round_goes_on(
    account, make_journey, fake_line, line
):
    """Bodies go as the rows store them (the SDK's request models are not rebuilt): one that
    LINE refuses fails with LINE's message, and the other sends of the round still go."""
    fake_line.allow_invalid = True
    journey = make_journey(send_graph("Hi {displayName}"))
    aki, ben = (FriendFactory(account=account, display_name=n) for n in ("Aki", "Ben"))
    enrolments_start_many(
        account=account, journey=journey, friend_ids=[aki.pk, ben.pk], properties={}, now=NOW
    )
    enrolments_advance_due(now=NOW)
    rows = JourneySend.objects.for_account(account)
    rows.filter(friend=aki).update(messages=[{"type": "text"}])  # no text: LINE answers 400
    assert journey_sends_deliver(now=NOW) == 2
    assert len(fake_line.invalid_requests) == 1
    failed = rows.get(friend=aki)
    assert failed.status == "failed"
    assert failed.error.startswith("The request body has 1 error(s) (")  # LINE's words
    assert rows.get(friend=ben).status == "sent"
    assert line.received == {ben.line_user_id: 1}
