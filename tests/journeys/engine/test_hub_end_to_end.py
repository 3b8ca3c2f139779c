"""Through the real activity hub: an event recorded by segments enrols the friend (the
``journeys.triggers`` subscriber), the runner writes the reminder, and a purchase recorded
later counts the goal and ends the enrolment (``journeys.waits``)."""

from datetime import timedelta

from django.utils import timezone

from journeys.engine.runner import enrolments_advance_due
from journeys.models import Conversion, Enrolment, JourneySend
from oa_console.activity.draining import activity_drain
from segments.services.events import custom_events_record
from tests.journeys.engine.conftest import graph_with
from tests.segments.factories import FriendFactory


def event(friend, name, key, **properties):
    return {
        "friend": {"line_user_id": friend.line_user_id},
        "name": name,
        "occurred_at": timezone.now().isoformat(),
        "properties": properties,
        "idempotency_key": key,
    }


def test_cart_abandoned_to_reminder_to_purchase(account, make_journey):
    friend = FriendFactory(account=account, display_name="Aki")
    graph = graph_with(
        trigger={"kind": "custom_event", "event": "cart_abandoned", "properties": ["cart_id"]},
        start="send",
        nodes={
            "send": {
                "type": "send",
                "quiet_hours": "drop",
                "messages": [{"type": "text", "text": "{displayName}: cart {event.cart_id}"}],
            },
            "later": {
                "type": "wait",
                "mode": "duration",
                "duration": {"amount": 1, "unit": "days"},
            },
            "end": {"type": "exit"},
        },
        edges={"send": {"next": "later"}, "later": {"next": "end"}},
        goal={
            "event": "order",
            "window": {"amount": 7, "unit": "days"},
            "exit_on_goal": True,
            "revenue_property": "total",
        },
    )
    journey = make_journey(graph)
    custom_events_record(
        account=account, events=[event(friend, "cart_abandoned", "e1", cart_id="C7")]
    )
    activity_drain()
    enrolment = Enrolment.objects.for_account(account).get(journey=journey, friend=friend)
    assert enrolment.trigger_properties == {"cart_id": "C7"}
    enrolments_advance_due(now=timezone.now() + timedelta(seconds=1))
    send = JourneySend.objects.for_account(account).get(enrolment=enrolment)
    assert send.messages[0]["text"] in ("Aki: cart C7",)
    custom_events_record(account=account, events=[event(friend, "order", "e2", total=3200)])
    activity_drain()
    enrolment.refresh_from_db()
    assert (enrolment.state, enrolment.exit_reason) == ("exited", "goal")
    assert Conversion.objects.for_account(account).get(enrolment=enrolment).revenue == 3200
