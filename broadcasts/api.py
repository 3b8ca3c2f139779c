"""API: broadcasts of an OA. CRUD, the workflow actions (submit, approve, reject, schedule,
cancel), the audience/cost estimate, a test send, and per-batch outcomes.

Body of a broadcast: ``{"name", "messages": [LINE message objects], "audience": {"all": true} |
{"segment": <id>} | {"demographic": <LINE filter>} | {"segment": <id>, "demographic": <LINE
filter>}, "variants"?: [{"name", "messages", "share"?}], "variant_test_percent"?,
"holdout_percent"?, "track_clicks"?, "click_attribution"?: "friend" | "link"}``. With variants, ``messages`` may be left out (it mirrors the first
variant's). An action the broadcast's state does not allow answers 409.

The detail's ``line_stats`` holds LINE's own numbers once fetched: for a broadcast/narrowcast
``delivered``, ``unique_impression``, ``unique_click``, ``clicks`` per URL; for a multicast/push
sent with aggregation units (``aggregation_units``) ``units``: per unit (per A/B ``variant``)
``sent`` (accepted by LINE), ``unique_impression``, ``unique_click``, ``open_rate``,
``click_rate``, ``messages`` per bubble and ``clicks`` per URL. null means LINE withheld a
figure under 20, never 0. ``aggregation_note`` says when LINE refused a unit.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response

from broadcasts import selectors
from broadcasts.models import Broadcast, BroadcastBatch, BroadcastVariant
from broadcasts.services import planning, sending, variants, workflow
from broadcasts.services.rules import local_to_utc
from broadcasts.variant_selectors import broadcast_variant_results
from oa_console.api.base import TenantApiView
from oa_console.api.pagination import StandardPagination
from oa_console.roles import Capability

Kind = Broadcast.AudienceKind


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = gettext_lazy("The broadcast's state does not allow this.")


def _service_error(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


def _user(request):
    return request.user if getattr(request.user, "pk", None) else None


def _audience_out(broadcast: Broadcast) -> dict:
    audience: dict = {}
    if broadcast.audience_kind == Kind.ALL:
        audience["all"] = True
    if broadcast.segment_id:
        audience["segment"] = broadcast.segment_id
    if broadcast.demographic:
        audience["demographic"] = broadcast.demographic
    return audience


class BatchOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = BroadcastBatch
        fields = [
            "sequence",
            "method",
            "status",
            "size",
            "attempts",
            "rate_limited",
            "http_status",
            "request_id",
            "aggregation_unit",
            "duplicate_of_accepted",
            "error_message",
            "sent_at",
            "next_attempt_at",
        ]


class VariantOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = BroadcastVariant
        fields = ["id", "label", "name", "share", "messages"]


class BroadcastOutputSerializer(serializers.ModelSerializer):
    audience = serializers.SerializerMethodField()
    variants = VariantOutputSerializer(many=True, read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="email", read_only=True)
    reviewed_by = serializers.SlugRelatedField(slug_field="email", read_only=True)

    class Meta:
        model = Broadcast
        fields = [
            "id",
            "name",
            "goal",
            "status",
            "messages",
            "audience",
            "track_clicks",
            "click_attribution",
            "send_at",
            "repeat_weekdays",
            "repeat_of",
            "holdout_percent",
            "variants",
            "variant_test_percent",
            "winner_of",
            "winner_variant",
            "created_by",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
            "method",
            "recipients",
            "excluded_by_cap",
            "deferred_by_quiet_hours",
            "paused_until",
            "accepted_count",
            "failed_count",
            "error_message",
            "started_at",
            "finished_at",
            "created_at",
            "updated_at",
        ]

    def get_audience(self, broadcast: Broadcast) -> dict:
        return _audience_out(broadcast)


class VariantResultSerializer(serializers.Serializer):
    variant = serializers.IntegerField(source="variant.pk")
    label = serializers.CharField(source="variant.label")
    recipients = serializers.IntegerField()
    delivered = serializers.IntegerField()
    unique_clicks = serializers.IntegerField()
    click_rate = serializers.FloatField(allow_null=True)
    interval = serializers.ListField(child=serializers.FloatField(), allow_null=True)
    p_value_vs_leader = serializers.FloatField(source="p_value", allow_null=True)
    significantly_behind_leader = serializers.BooleanField(source="significant", allow_null=True)


class RetryOutputSerializer(serializers.Serializer):
    reason = serializers.CharField()
    attempt = serializers.IntegerField(help_text="attempts made so far")
    max_attempts = serializers.IntegerField(help_text="after this many, the send fails")
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    text = serializers.CharField(help_text='"Retrying: <reason> (attempt N of M)"')


class BroadcastDetailOutputSerializer(BroadcastOutputSerializer):
    retrying = serializers.SerializerMethodField(
        help_text="set while a transient failure (busy database, LINE 5xx, timeout, 429) is "
        "retried; null otherwise. A final failure is status failed with error_message."
    )
    progress = serializers.SerializerMethodField()
    batches = serializers.SerializerMethodField()
    variant_results = serializers.SerializerMethodField()

    class Meta(BroadcastOutputSerializer.Meta):
        fields = [
            *BroadcastOutputSerializer.Meta.fields,
            "retrying",
            "progress",
            "batches",
            "variant_results",
            "line_stats",
            "line_stats_at",
            "aggregation_units",
            "aggregation_note",
        ]

    def get_variant_results(self, broadcast: Broadcast) -> dict | None:
        """Per variant: recipients, delivered, unique clicks, click rate with its 95% Wilson
        interval, and whether the leader's lead over it is significant."""
        if not broadcast.started_at or not variants.has_variants(broadcast):
            return None
        results = broadcast_variant_results(broadcast=broadcast)
        return {
            "variants": VariantResultSerializer(results.rows, many=True).data,
            "leader": results.leader.pk if results.leader else None,
            "significant": results.significant,
            "verdict": results.verdict,
            "waiting_for_winner": results.waiting,
            "followups": [b.pk for b in results.followups],
        }

    @extend_schema_field(RetryOutputSerializer(allow_null=True))
    def get_retrying(self, broadcast: Broadcast) -> dict | None:
        retry = selectors.broadcast_retry(broadcast=broadcast)
        return RetryOutputSerializer(retry).data if retry else None

    def get_progress(self, broadcast: Broadcast) -> dict:
        summary = selectors.broadcast_batch_summary(broadcast=broadcast)
        return {
            "batches": summary.total,
            "pending": summary.pending,
            "accepted": summary.accepted,
            "failed": summary.failed,
            "recipients_accepted": summary.recipients_accepted,
            "recipients_failed": summary.recipients_failed,
            "percent": summary.done_percent,
            "narrowcast_phase": broadcast.narrowcast_phase or None,
        }

    def get_batches(self, broadcast: Broadcast) -> list[dict]:
        """Outcomes of the first 100 batches; every batch is paged at ``…/batches/``."""
        batches = selectors.broadcast_batches(broadcast=broadcast)[:100]
        return BatchOutputSerializer(batches, many=True).data


class BroadcastInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    goal = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    messages = serializers.JSONField(required=False)
    audience = serializers.JSONField()
    track_clicks = serializers.BooleanField(required=False, default=True)
    click_attribution = serializers.ChoiceField(
        choices=Broadcast.ClickAttribution.choices,
        required=False,
        default=Broadcast.ClickAttribution.FRIEND,
        help_text="With tracked links: 'friend' sends a segment or all-friends audience by push, "
        "one friend per call, so each click names the friend (2,000 calls/s); 'link' sends by "
        "multicast / LINE broadcast / narrowcast, clicks counted per link only. Demographic "
        "audiences are always per link; an A/B test with tracked links is always per friend.",
    )
    repeat_weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=7),
        required=False,
        default=list,
        max_length=7,
    )
    variants = serializers.JSONField(
        required=False,
        help_text="2-4 A/B variants [{name, messages, share?}] (segment audiences only); "
        "shares default to even.",
    )
    variant_test_percent = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=100,
        help_text="Share of the audience (after the holdout) that gets a variant; the rest "
        "waits for the winner.",
    )
    holdout_percent = serializers.IntegerField(required=False, min_value=0, max_value=50)

    def validate_audience(self, audience) -> dict:
        if not isinstance(audience, dict) or not audience:
            raise ValidationError(_('Use {"all": true}, {"segment": id}, or a demographic filter.'))
        if audience.get("all") is True and len(audience) == 1:
            return {"audience_kind": Kind.ALL, "segment_id": None, "demographic": None}
        unknown = set(audience) - {"segment", "demographic"}
        if unknown or "all" in audience:
            raise ValidationError(
                _("Unknown audience keys: %(keys)s.") % {"keys": ", ".join(sorted(unknown))}
                if unknown
                else _('"all" cannot be combined with a segment or a filter.')
            )
        segment = audience.get("segment")
        if segment is not None and (not isinstance(segment, int) or isinstance(segment, bool)):
            raise ValidationError(_("segment must be a segment id."))
        demographic = audience.get("demographic")
        kind = (
            Kind.SEGMENT_DEMOGRAPHIC
            if segment is not None and demographic is not None
            else Kind.SEGMENT
            if segment is not None
            else Kind.DEMOGRAPHIC
        )
        return {"audience_kind": kind, "segment_id": segment, "demographic": demographic}

    def validate(self, data):
        arms = data.get("variants")
        if not arms:
            if "messages" not in data:
                raise ValidationError({"messages": [_("This field is required.")]})
            return data
        first = (
            arms[0].get("messages")
            if isinstance(arms, list) and isinstance(arms[0], dict)
            else None
        )
        if "messages" in data and first is not None and data["messages"] != first:
            raise ValidationError(
                {
                    "messages": [
                        _(
                            "With variants, leave out messages (or repeat the first variant's): "
                            "each variant has its own."
                        )
                    ]
                }
            )
        data["messages"] = first
        return data


def _service_kwargs(validated: dict) -> dict:
    return {
        "name": validated["name"],
        "goal": validated.get("goal", ""),
        "messages": validated["messages"],
        "track_clicks": validated.get("track_clicks", True),
        "click_attribution": validated.get("click_attribution", Broadcast.ClickAttribution.FRIEND),
        "repeat_weekdays": validated.get("repeat_weekdays", []),
        "holdout_percent": validated.get("holdout_percent") or 0,
        "variants": validated.get("variants") or None,
        "variant_test_percent": validated.get("variant_test_percent", 100),
        **validated["audience"],
    }


class _BroadcastApi(TenantApiView):
    def broadcast(self, account_id, broadcast_id) -> Broadcast:
        account = self.get_account(account_id)
        broadcast = selectors.broadcast_get(account=account, broadcast_id=broadcast_id)
        if broadcast is None:
            raise Http404
        return broadcast

    def detail(self, broadcast: Broadcast, code: int = status.HTTP_200_OK) -> Response:
        broadcast = Broadcast.objects.select_related("created_by", "reviewed_by").get(
            pk=broadcast.pk
        )
        return Response(BroadcastDetailOutputSerializer(broadcast).data, status=code)


class BroadcastListApi(_BroadcastApi):
    @extend_schema(responses=BroadcastOutputSerializer(many=True), summary="List broadcasts")
    def get(self, request, account_id: int):
        account = self.get_account(account_id)
        wanted = request.query_params.get("status") or None
        if wanted and wanted not in Broadcast.Status.values:
            raise ValidationError({"status": [_("Unknown status.")]})
        paginator = StandardPagination()
        page = paginator.paginate_queryset(
            selectors.broadcast_list(account=account, status=wanted), request, view=self
        )
        return paginator.get_paginated_response(BroadcastOutputSerializer(page, many=True).data)

    @extend_schema(
        request=BroadcastInputSerializer,
        responses={201: BroadcastDetailOutputSerializer},
        summary="Create a draft broadcast",
    )
    def post(self, request, account_id: int):
        account = self.get_account(account_id)
        self.require(Capability.DRAFT_BROADCASTS)
        data = BroadcastInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            broadcast = workflow.broadcast_create(
                account=account, created_by=_user(request), **_service_kwargs(data.validated_data)
            )
        except DjangoValidationError as exc:
            raise _service_error(exc) from exc
        return self.detail(broadcast, status.HTTP_201_CREATED)


class BroadcastDetailApi(_BroadcastApi):
    @extend_schema(responses=BroadcastDetailOutputSerializer, summary="Get a broadcast")
    def get(self, request, account_id: int, broadcast_id: int):
        return self.detail(self.broadcast(account_id, broadcast_id))

    @extend_schema(
        request=BroadcastInputSerializer,
        responses=BroadcastDetailOutputSerializer,
        summary="Replace a broadcast's content and audience (an approved one returns to review)",
    )
    def put(self, request, account_id: int, broadcast_id: int):
        broadcast = self.broadcast(account_id, broadcast_id)
        self.require(Capability.DRAFT_BROADCASTS)
        data = BroadcastInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            broadcast = workflow.broadcast_update(
                broadcast=broadcast, **_service_kwargs(data.validated_data)
            )
        except DjangoValidationError as exc:
            raise _service_error(exc) from exc
        except workflow.BroadcastConflict as exc:
            raise Conflict(str(exc)) from exc
        return self.detail(broadcast)

    @extend_schema(responses={204: None}, summary="Delete a draft or cancelled broadcast")
    def delete(self, request, account_id: int, broadcast_id: int):
        broadcast = self.broadcast(account_id, broadcast_id)
        self.require(Capability.DRAFT_BROADCASTS)
        try:
            workflow.broadcast_delete(broadcast=broadcast)
        except workflow.BroadcastConflict as exc:
            raise Conflict(str(exc)) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ScheduleSerializer(serializers.Serializer):
    send_at = serializers.CharField(allow_null=True)


class _ActionApi(_BroadcastApi):
    capability = Capability.DRAFT_BROADCASTS
    request_serializer: type[serializers.Serializer] | None = None

    def act(self, broadcast: Broadcast, data: dict) -> Broadcast:
        raise NotImplementedError

    def post(self, request, account_id: int, broadcast_id: int):
        broadcast = self.broadcast(account_id, broadcast_id)
        self.require(self.capability)
        data = {}
        if self.request_serializer is not None:
            serializer = self.request_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        try:
            broadcast = self.act(broadcast, data)
        except DjangoValidationError as exc:
            raise _service_error(exc) from exc
        except workflow.BroadcastConflict as exc:
            raise Conflict(str(exc)) from exc
        return self.detail(broadcast)


@extend_schema(request=None, responses=BroadcastDetailOutputSerializer, summary="Submit for review")
class BroadcastSubmitApi(_ActionApi):
    def act(self, broadcast, data):
        return workflow.broadcast_submit(broadcast=broadcast, user=_user(self.request))


@extend_schema(
    request=CommentSerializer, responses=BroadcastDetailOutputSerializer, summary="Approve"
)
class BroadcastApproveApi(_ActionApi):
    capability = Capability.APPROVE_BROADCASTS
    request_serializer = CommentSerializer

    def act(self, broadcast, data):
        return workflow.broadcast_approve(
            broadcast=broadcast, user=_user(self.request), comment=data["comment"]
        )


@extend_schema(
    request=CommentSerializer,
    responses=BroadcastDetailOutputSerializer,
    summary="Reject back to draft, with a comment",
)
class BroadcastRejectApi(_ActionApi):
    capability = Capability.APPROVE_BROADCASTS
    request_serializer = CommentSerializer

    def act(self, broadcast, data):
        return workflow.broadcast_reject(
            broadcast=broadcast, user=_user(self.request), comment=data["comment"]
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


@extend_schema(
    request=ScheduleSerializer,
    responses=BroadcastDetailOutputSerializer,
    summary="Choose the send time (null = now)",
)
class BroadcastScheduleApi(_ActionApi):
    request_serializer = ScheduleSerializer

    def act(self, broadcast, data):
        send_at = parse_send_at(data["send_at"], broadcast=broadcast)
        return workflow.broadcast_schedule(broadcast=broadcast, send_at=send_at)


@extend_schema(request=None, responses=BroadcastDetailOutputSerializer, summary="Cancel")
class BroadcastCancelApi(_ActionApi):
    def act(self, broadcast, data):
        return workflow.broadcast_cancel(broadcast=broadcast)


class SendWinnerSerializer(serializers.Serializer):
    variant = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Id of the winning variant; by default the leader by click rate.",
    )


@extend_schema(
    request=SendWinnerSerializer,
    responses={201: BroadcastDetailOutputSerializer},
    summary="Send the winning A/B variant to the rest (creates a follow-up draft)",
)
class BroadcastSendWinnerApi(_BroadcastApi):
    def post(self, request, account_id: int, broadcast_id: int):
        broadcast = self.broadcast(account_id, broadcast_id)
        self.require(Capability.DRAFT_BROADCASTS)
        data = SendWinnerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            followup = variants.broadcast_send_winner(
                account=broadcast.account,
                broadcast=broadcast,
                user=_user(request),
                variant_id=data.validated_data["variant"],
            )
        except DjangoValidationError as exc:
            raise _service_error(exc) from exc
        except variants.WinnerConflict as exc:
            raise Conflict(str(exc)) from exc
        return self.detail(followup, status.HTTP_201_CREATED)


class BroadcastBatchesApi(_BroadcastApi):
    @extend_schema(responses=BatchOutputSerializer(many=True), summary="Every batch's outcome")
    def get(self, request, account_id: int, broadcast_id: int):
        broadcast = self.broadcast(account_id, broadcast_id)
        paginator = StandardPagination()
        page = paginator.paginate_queryset(
            selectors.broadcast_batches(broadcast=broadcast), request, view=self
        )
        return paginator.get_paginated_response(BatchOutputSerializer(page, many=True).data)


class EstimateOutputSerializer(serializers.Serializer):
    method = serializers.CharField()
    clicks_per_friend = serializers.BooleanField(
        help_text="Tracked links whose clicks name the friend (sent by push)."
    )
    sent_now = serializers.IntegerField(
        allow_null=True, help_text="Recipients after the holdout and the A/B test share."
    )
    requests = serializers.IntegerField(allow_null=True, help_text="LINE calls the send makes.")
    duration_seconds = serializers.FloatField(
        allow_null=True,
        help_text="Sending time at LINE's rate limits (push 2,000/s, multicast 200/s of 500); "
        "null for one LINE broadcast or narrowcast request.",
    )
    matched = serializers.IntegerField(allow_null=True)
    reachable = serializers.IntegerField()
    excluded_by_cap = serializers.IntegerField()
    to_send = serializers.IntegerField(allow_null=True)
    quiet_until = serializers.DateTimeField(allow_null=True)
    problems = serializers.ListField(child=serializers.CharField())
    notes = serializers.ListField(child=serializers.CharField())
    can_send = serializers.BooleanField()


class BroadcastEstimateApi(_BroadcastApi):
    @extend_schema(
        responses=EstimateOutputSerializer, summary="Recipients, held back, LINE's minimums"
    )
    def get(self, request, account_id: int, broadcast_id: int):
        broadcast = self.broadcast(account_id, broadcast_id)
        estimate = planning.broadcast_estimate(broadcast=broadcast)
        return Response(EstimateOutputSerializer(estimate).data)


class TestSendSerializer(serializers.Serializer):
    line_user_id = serializers.RegexField(r"^U[0-9a-f]{32}$", max_length=33)


@extend_schema(request=TestSendSerializer, responses={202: None}, summary="Send a test to one user")
class BroadcastTestSendApi(_BroadcastApi):
    def post(self, request, account_id: int, broadcast_id: int):
        broadcast = self.broadcast(account_id, broadcast_id)
        self.require(Capability.DRAFT_BROADCASTS)
        data = TestSendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            request_id = sending.broadcast_send_test(
                account=broadcast.account,
                broadcast=broadcast,
                line_user_id=data.validated_data["line_user_id"],
            )
        except DjangoValidationError as exc:
            raise _service_error(exc) from exc
        return Response({"request_id": request_id}, status=status.HTTP_202_ACCEPTED)
