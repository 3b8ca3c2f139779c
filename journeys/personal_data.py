"""What the journeys app holds about a friend, for personal-data requests (registered into
``segments.personal_data`` by ``register_personal_data()``, called from ``JourneysConfig.ready``):
the journeys they entered (with the event that enrolled them), every step of their way, the
messages the journeys sent them, the links of those messages they opened and the purchases
counted as conversions.

Erasure keeps every figure of the journeys' pages: enrolments, journal rows, sends, clicks and
conversions stay, attached to the (now anonymous) friend row, with their kinds, paths, states
and revenue. What identifies the person goes: the enrolling event's properties (a cart's
products, an order id) and its dedupe key, the journal's details, the messages' texts (they
carry the display name and the event's properties), the links they opened (as personalised as
the messages: ``{event.checkout_url}``) and the LINE user id on the sends, which becomes the
erasure's pseudonym. A journey still under way for them ends (nothing can be sent
to a pseudonym), and a message not yet sent is never sent.
"""

from __future__ import annotations

from django.db.models import F, Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from journeys.models import (
    Conversion,
    Enrolment,
    EnrolmentStep,
    JourneyClick,
    JourneySend,
    WebhookCall,
)
from segments.personal_data.registry import (
    PersonalDataProvider,
    Section,
    Subject,
    register_provider,
)

# ``Enrolment.exit_reason`` of the journeys an erasure ended.
ERASED = "erased"
# Stored on the send, in the language of whoever asked for the erasure (as the engine's own
# reasons are).
NOT_SENT = gettext_lazy("Not sent: the friend's personal data was erased.")


def _friend_rows(model: type[Model], subject: Subject, oldest_first_by: str) -> QuerySet:
    """The friend's rows of ``model`` in the OA, oldest first, each with its journey's name."""
    return (
        model.objects.for_account(subject.account)
        .filter(friend=subject.friend)
        .annotate(journey_name=F("journey__name"))
        .order_by(oldest_first_by, "pk")
    )


def _section(key: str, title: str, rows: QuerySet, **fields: str) -> Section:
    """One record a row; ``fields`` names each record's keys and the row attribute of each."""
    records = [
        {name: getattr(row, attribute) for name, attribute in fields.items()} for row in rows
    ]
    return Section(key, title, records)


def export(subject: Subject) -> list[Section]:
    enrolments = _friend_rows(Enrolment, subject, "entered_at").annotate(
        version_number=F("version__number")
    )
    return [
        _section(
            "journey_enrolments",
            _("Journeys the friend entered"),
            enrolments,
            journey="journey_name",
            version="version_number",
            entered_at="entered_at",
            state="state",
            current_step="node_id",
            next_step_at="next_run_at",
            ended_at="ended_at",
            exit_reason="exit_reason",
            path="arm",
            test_run="is_test",
            trigger_properties="trigger_properties",
        ),
        _section(
            "journey_steps",
            _("Steps of the friend's journeys"),
            _friend_rows(EnrolmentStep, subject, "at"),
            journey="journey_name",
            step="node_id",
            what_happened="kind",
            path="outlet",
            at="at",
            detail="detail",
        ),
        _section(
            "journey_messages",
            _("Messages journeys sent to the friend"),
            _friend_rows(JourneySend, subject, "created_at"),
            journey="journey_name",
            step="node_id",
            status="status",
            method="method",
            created_at="created_at",
            sent_at="sent_at",
            messages="messages",
            error="error",
        ),
        _section(
            "journey_link_clicks",
            _("Links the friend opened in journeys' messages"),
            _friend_rows(JourneyClick, subject, "clicked_at"),
            journey="journey_name",
            step="node_id",
            link="url",
            clicked_at="clicked_at",
        ),
        _section(
            "journey_conversions",
            _("Purchases counted as journey conversions"),
            _friend_rows(Conversion, subject, "at"),
            journey="journey_name",
            path="arm",
            revenue="revenue",
            converted_at="at",
        ),
    ]


def erase(subject: Subject) -> dict[str, int]:
    account, friend = subject.account, subject.friend
    ended_at = subject.erased_at or timezone.now()
    enrolments = Enrolment.objects.for_account(account).filter(friend=friend)
    counts = {
        "journeys_ended": enrolments.filter(state__in=Enrolment.IN_FLIGHT).update(
            state=Enrolment.State.EXITED,
            exit_reason=ERASED,
            ended_at=ended_at,
            next_run_at=None,
            waiting_for="",
            goal_until=None,
        ),
        "enrolments": enrolments.update(trigger_properties={}, dedupe_key=""),
        "journey_steps": EnrolmentStep.objects.for_account(account)
        .filter(friend=friend)
        .update(detail={}),
    }
    sends = JourneySend.objects.for_account(account).filter(friend=friend)
    # LINE's answer to a refused send may quote the id: the error goes with the rest.
    counts["journey_messages"] = sends.update(line_user_id=subject.pseudonym, messages=[], error="")
    counts["unsent_messages"] = sends.filter(status=JourneySend.Status.PENDING).update(
        status=JourneySend.Status.FAILED, error=str(NOT_SENT), next_attempt_at=None
    )
    counts["journey_link_clicks"] = (
        JourneyClick.objects.for_account(account).filter(friend=friend).update(url="")
    )
    # A pending webhook call's payload names the friend; its enrolment has just ended.
    counts["webhook_calls"] = (
        WebhookCall.objects.for_account(account).filter(enrolment__friend=friend).delete()[0]
    )
    # Conversions name no one but the anonymous friend row: they stay, for the journeys' figures.
    return counts


PROVIDER = PersonalDataProvider(app="journeys", export=export, erase=erase, order=30)


def register_personal_data() -> None:
    """Join the personal-data requests (called from ``JourneysConfig.ready``)."""
    register_provider(PROVIDER)
