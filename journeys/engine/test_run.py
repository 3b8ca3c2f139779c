""" "Test with one friend": the whole path of a journey (a draft or the active one) sent to a
chosen friend, with waits shortened to seconds, past the entry rules and the frequency cap
but through LINE like any send."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from journeys.engine.enrol import enrolment_start
from journeys.models import Enrolment, Journey, JourneyVersion
from oa_console.models import LineAccount
from segments.models import Friend


class TestRunRefused(ValueError):
    """The friend cannot get a test run (not a follower of the OA)."""


@transaction.atomic
def journey_test_run(*, account: LineAccount, journey: Journey, friend: Friend, user) -> Enrolment:
    """Enrol ``friend`` as a test (``is_test``) on the journey's active version, or, for a
    journey never activated or edited since, on a version published from its draft."""
    if friend.account_id != account.pk or journey.account_id != account.pk:
        raise ValueError("journey or friend of another OA")
    version = journey.active_version
    if version is None or version.graph != journey.draft_graph:
        number = (
            JourneyVersion.objects.for_account(account)
            .filter(journey=journey)
            .aggregate(n=Max("number"))["n"]
            or 0
        ) + 1
        version = JourneyVersion.objects.for_account(account).create(
            account=account,
            journey=journey,
            number=number,
            graph=journey.draft_graph,
            created_by=user,
        )
    outcome = enrolment_start(
        account=account,
        journey=journey,
        friend=friend,
        properties={},
        is_test=True,
        version=version,
    )
    return outcome.enrolment
