"""Journey rows for the journeys tests: a journey, a published version, enrolments, journal
steps, sends and conversions, made directly and unscoped (reads need a scope), so that a test
states exactly the figures it expects (the engine that would write them has its own tests)."""

from __future__ import annotations

import copy
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from journeys.models import (
    Conversion,
    Enrolment,
    EnrolmentStep,
    Journey,
    JourneySend,
    JourneyVersion,
)
from journeys.starters import STARTERS
from tests.factories import LineAccountFactory, UnscopedFactory
from tests.segments.factories import FriendFactory


def cart_graph() -> dict:
    return STARTERS["cart_abandonment"].graph()


class JourneyFactory(UnscopedFactory):
    class Meta:
        model = Journey

    account = factory.SubFactory(LineAccountFactory)
    name = factory.Sequence(lambda n: f"Journey {n}")
    draft_graph = factory.LazyFunction(cart_graph)


def publish(
    journey: Journey, graph: dict | None = None, *, status: str = Journey.Status.ACTIVE
) -> JourneyVersion:
    """A published version of ``graph`` (default: the draft), made the active one; the journey
    is then ``status`` (active, or paused or archived after it ran)."""
    number = JourneyVersion.unscoped.filter(journey=journey).count() + 1
    version = JourneyVersion.unscoped.create(
        account=journey.account,
        journey=journey,
        number=number,
        graph=copy.deepcopy(graph if graph is not None else journey.draft_graph),
    )
    journey.active_version = version
    journey.status = status
    journey.save()
    return version


def make_journey(account, name="Cart rescue", *, status="draft", starter="cart_abandonment"):
    """A journey of the ``starter``'s graph (None: blank); one that ran (active, paused or
    archived) has a published version."""
    graph = STARTERS[starter].graph() if starter else {}
    journey = Journey.unscoped.create(account=account, name=name, draft_graph=graph, status=status)
    if status in ("active", "paused", "archived"):
        publish(journey, status=status)
    return journey


def enrol(
    journey: Journey,
    node_id: str = "wait_1h",
    *,
    friend=None,
    state="waiting",
    arm="",
    at=None,
    **extra,
):
    """The friend (default: a new one) in the journey at ``node_id``: entered at ``at``
    (default: two hours ago) and, unless still in flight, ended then (default: now)."""
    friend = friend or FriendFactory(account=journey.account)
    ended = state not in Enrolment.IN_FLIGHT
    return Enrolment.unscoped.create(
        account=journey.account,
        journey=journey,
        version=journey.active_version,
        friend=friend,
        node_id=node_id,
        state=state,
        arm=arm,
        entered_at=at or timezone.now() - timedelta(hours=2),
        ended_at=(at or timezone.now()) if ended else None,
        **extra,
    )


def _of(enrolment: Enrolment) -> dict:
    """The columns a row about an enrolment copies from it."""
    return {
        "account": enrolment.account,
        "journey": enrolment.journey,
        "enrolment": enrolment,
        "friend": enrolment.friend,
    }


def step(enrolment: Enrolment, node_id: str, kind: str, outlet: str = "", at=None):
    return EnrolmentStep.unscoped.create(
        **_of(enrolment),
        node_id=node_id,
        kind=kind,
        outlet=outlet,
        at=at or timezone.now(),
    )


def send(
    enrolment: Enrolment, node_id: str = "reminder", status: str = "sent", step_number: int = 1
):
    return JourneySend.unscoped.create(
        **_of(enrolment),
        version=enrolment.version,
        node_id=node_id,
        step=step_number,
        line_user_id=enrolment.friend.line_user_id,
        messages=[{"type": "text", "text": "hi"}],
        group_key="g",
        status=status,
        created_at=timezone.now(),
        sent_at=timezone.now() if status == "sent" else None,
    )


def convert(enrolment: Enrolment, revenue="0", last_send=None):
    return Conversion.unscoped.create(
        **_of(enrolment),
        last_send=last_send,
        arm=enrolment.arm,
        revenue=Decimal(revenue),
        at=timezone.now(),
    )
