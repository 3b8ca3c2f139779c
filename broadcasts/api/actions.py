"""The workflow actions of a broadcast: submit, approve, reject, schedule, cancel, and sending
an A/B test's winner to the rest."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from rest_framework import serializers, status

from broadcasts.api.common import BroadcastApi, broadcast_schema, conflicts_answered
from broadcasts.api.output import BroadcastDetailOutputSerializer
from broadcasts.models import Broadcast
from broadcasts.services import variants, workflow
from oa_console.api.objects import acting_user
from oa_console.roles import Capability
from segments.services.sending_rules import local_to_utc


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ScheduleSerializer(serializers.Serializer):
    send_at = serializers.CharField(allow_null=True)


class _ActionApi(BroadcastApi):
    """One action on the broadcast in the URL: ``act`` calls the service with the validated
    body; the answer is the detail of the broadcast it returns (``answer_status``), or 409
    when the service refuses with one of ``conflicts``."""

    capability = Capability.DRAFT_BROADCASTS
    request_serializer: type[serializers.Serializer] | None = None
    conflicts: tuple[type[Exception], ...] = (workflow.BroadcastConflict,)
    answer_status = status.HTTP_200_OK

    def act(self, broadcast: Broadcast, data: dict) -> Broadcast:
        raise NotImplementedError

    def post(self, request, account_id: int, broadcast_id: int):
        broadcast, data = self.changing(broadcast_id, self.capability, self.request_serializer)
        with conflicts_answered(*self.conflicts):
            broadcast = self.act(broadcast, data)
        return self.detail(broadcast, self.answer_status)


@broadcast_schema(
    summary="Submit for review",
    what="Sends a draft to review; an admin or owner approves or rejects it.",
    returns="the broadcast's detail, now `in_review`.",
    capability=Capability.DRAFT_BROADCASTS,
    errors=[(409, "the broadcast is not a draft.")],
    request=None,
)
class BroadcastSubmitApi(_ActionApi):
    def act(self, broadcast, data):
        return workflow.broadcast_submit(broadcast=broadcast, user=acting_user(self.request))


@broadcast_schema(
    summary="Approve",
    what=(
        "Approves a broadcast in review, with an optional comment. One whose author "
        "already chose a future time becomes scheduled at once; otherwise it waits, "
        "approved, for a send time."
    ),
    returns="the broadcast's detail, now `approved` or `scheduled`.",
    capability=Capability.APPROVE_BROADCASTS,
    errors=[
        (409, "the broadcast is not in review."),
    ],
    request=CommentSerializer,
)
class BroadcastApproveApi(_ActionApi):
    capability = Capability.APPROVE_BROADCASTS
    request_serializer = CommentSerializer

    def act(self, broadcast, data):
        return workflow.broadcast_approve(
            broadcast=broadcast,
            user=acting_user(self.request),
            comment=data["comment"],
            request=self.request,
        )


@broadcast_schema(
    summary="Reject back to draft, with a comment",
    what="Sends a broadcast in review back to its author as a draft, with the reviewer's reason.",
    returns="the broadcast's detail, a draft again, with `review_comment`.",
    capability=Capability.APPROVE_BROADCASTS,
    errors=[
        (400, "no comment: say what needs to change."),
        (409, "the broadcast is not in review."),
    ],
    request=CommentSerializer,
)
class BroadcastRejectApi(_ActionApi):
    capability = Capability.APPROVE_BROADCASTS
    request_serializer = CommentSerializer

    def act(self, broadcast, data):
        return workflow.broadcast_reject(
            broadcast=broadcast, user=acting_user(self.request), comment=data["comment"]
        )


def parse_send_at(value: str | None, *, broadcast: Broadcast) -> datetime | None:
    """ISO-8601; a time without an offset is a wall-clock time in the OA's time zone."""
    if value is None:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise DjangoValidationError({"send_at": [_("Use an ISO-8601 date and time.")]})
    if timezone.is_naive(parsed):
        return local_to_utc(account=broadcast.account, local=parsed)
    return parsed


@broadcast_schema(
    summary="Choose the send time (null = now)",
    what=(
        "Chooses when the broadcast goes out: `send_at` as ISO-8601 (a time without an "
        "offset is a wall-clock time in the OA's time zone), or null to send now. "
        "Before approval this only records the wish; an approved broadcast becomes "
        "scheduled, and one due now is handed to a worker at once."
    ),
    returns="the broadcast's detail with its `send_at` and status.",
    capability=Capability.DRAFT_BROADCASTS,
    errors=[
        (400, "`send_at` is not an ISO-8601 date and time, or is in the past."),
        (
            409,
            (
                "the broadcast can no longer be scheduled, or is not approved and null (now) "
                "was asked."
            ),
        ),
    ],
    request=ScheduleSerializer,
)
class BroadcastScheduleApi(_ActionApi):
    request_serializer = ScheduleSerializer

    def act(self, broadcast, data):
        send_at = parse_send_at(data["send_at"], broadcast=broadcast)
        return workflow.broadcast_schedule(broadcast=broadcast, send_at=send_at)


@broadcast_schema(
    summary="Cancel",
    what=(
        "Cancels a broadcast that has not gone out: it will not be sent. A cancelled "
        "broadcast can then be deleted."
    ),
    returns="the broadcast's detail, now `cancelled`.",
    capability=Capability.DRAFT_BROADCASTS,
    errors=[
        (409, "the broadcast is already sending, sent or cancelled."),
    ],
    request=None,
)
class BroadcastCancelApi(_ActionApi):
    def act(self, broadcast, data):
        return workflow.broadcast_cancel(broadcast=broadcast, request=self.request)


class SendWinnerSerializer(serializers.Serializer):
    variant = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Id of the winning variant; by default the leader by click rate.",
    )


@broadcast_schema(
    summary="Send the winning A/B variant to the rest (creates a follow-up draft)",
    what=(
        "After an A/B test sent to part of the audience, creates a follow-up draft that "
        "sends the winning variant (`variant`, by default the leader by click rate) to "
        "the friends who got no variant yet. The follow-up goes through review like any "
        "broadcast."
    ),
    returns="201 with the follow-up draft's detail.",
    capability=Capability.DRAFT_BROADCASTS,
    errors=[
        (400, "`variant` is not a variant of this broadcast."),
        (
            409,
            (
                "the broadcast has no finished A/B test with friends left waiting, or its "
                "winner was already sent."
            ),
        ),
    ],
    request=SendWinnerSerializer,
    responses={201: BroadcastDetailOutputSerializer},
)
class BroadcastSendWinnerApi(_ActionApi):
    request_serializer = SendWinnerSerializer
    conflicts = (variants.WinnerConflict,)
    answer_status = status.HTTP_201_CREATED

    def act(self, broadcast, data):
        """The follow-up draft (its detail is the answer, not the tested broadcast's)."""
        return variants.broadcast_send_winner(
            account=broadcast.account,
            broadcast=broadcast,
            user=acting_user(self.request),
            variant_id=data["variant"],
        )
