"""API: broadcasts of an OA. CRUD, the workflow actions (submit, approve, reject, schedule,
cancel), the audience/cost estimate, and per-batch outcomes (the test send is in
``broadcasts.api_test_send``).

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

``results`` is what the broadcast page and Insights > Broadcasts show: LINE's figures in one
shape whatever the send's method, with ``state`` ``pending`` and ``published_after`` until LINE
has published them; ``tracked_clicks`` are the console's own clicks of its tracked links.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response

from broadcasts import selectors
from broadcasts.audiences import audience_for, for_api_keys
from broadcasts.models import Broadcast, BroadcastBatch, BroadcastVariant
from broadcasts.results_selectors import BroadcastResults, State, broadcast_results
from broadcasts.services import planning, variants, workflow
from broadcasts.services.rules import local_to_utc
from broadcasts.variant_selectors import broadcast_variant_results
from oa_console.api.base import TenantApiView
from oa_console.api.docs import operation_description
from oa_console.api.pagination import StandardPagination
from oa_console.roles import Capability


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = gettext_lazy("The broadcast's state does not allow this.")


BROADCAST_EXAMPLE = OpenApiExample(
    "A text to every friend",
    value={
        "name": "Spring sale",
        "goal": "Visits to the spring sale page",
        "messages": [{"type": "text", "text": "Our spring sale starts today!"}],
        "audience": {"all": True},
        "track_clicks": True,
    },
    request_only=True,
)


def _service_error(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


def _user(request):
    return request.user if getattr(request.user, "pk", None) else None


def _audience_out(broadcast: Broadcast) -> dict:
    return audience_for(broadcast.audience_kind).api_out(broadcast)


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
    # null: created through the API (a key is no user), by a deleted user, or not reviewed yet.
    created_by = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)
    reviewed_by = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)

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


RESULT_FIGURES = ("delivered", "unique_impressions", "unique_clicks")


class ResultBubbleSerializer(serializers.Serializer):
    seq = serializers.IntegerField(allow_null=True)
    impressions = serializers.IntegerField(allow_null=True)
    unique_impressions = serializers.IntegerField(allow_null=True)


class ResultUrlSerializer(serializers.Serializer):
    seq = serializers.IntegerField(allow_null=True)
    url = serializers.CharField()
    clicks = serializers.IntegerField(allow_null=True)
    unique_clicks = serializers.IntegerField(allow_null=True)
    links = serializers.IntegerField(help_text="a push's per-friend links added up")


class TrackedClicksSerializer(serializers.Serializer):
    url = serializers.CharField()
    clicks = serializers.IntegerField()
    unique_friends = serializers.IntegerField()


class BroadcastResultsSerializer(serializers.Serializer):
    """The same results the broadcast page and Insights > Broadcasts show."""

    state = serializers.ChoiceField(
        choices=[State.PUBLISHED, State.PENDING, State.WAITING, State.NONE],
        help_text="published: LINE's figures below; pending: LINE publishes them after "
        "published_after; waiting: published, fetched within the hour; none: LINE reports "
        "nothing for this send (a multicast/push without an aggregation unit)",
    )
    published_after = serializers.DateTimeField(allow_null=True)
    fetched_at = serializers.DateTimeField(allow_null=True)
    source = serializers.CharField(help_text="message_event | aggregation_units")
    delivered = serializers.IntegerField(allow_null=True)
    delivered_is_accepted = serializers.BooleanField(
        help_text="units: LINE has no delivered count, so this is the messages LINE accepted"
    )
    unique_impressions = serializers.IntegerField(allow_null=True)
    unique_clicks = serializers.IntegerField(allow_null=True)
    video_plays = serializers.IntegerField(allow_null=True)
    open_rate = serializers.FloatField(allow_null=True, help_text="unique impressions / delivered")
    click_rate = serializers.FloatField(
        allow_null=True, help_text="unique clicks / unique impressions"
    )
    hidden = serializers.SerializerMethodField(
        help_text="figures LINE withheld (fewer than 20), null above; never 0"
    )
    at_least = serializers.SerializerMethodField(
        help_text="A/B totals where an arm's share is withheld: a lower bound"
    )
    bubbles = ResultBubbleSerializer(many=True)
    urls = ResultUrlSerializer(many=True)
    request_ids = serializers.ListField(child=serializers.CharField())

    def get_hidden(self, results: BroadcastResults) -> list[str]:
        if not results.published:
            return []
        return [name for name in RESULT_FIGURES if getattr(results, name) is None]

    def get_at_least(self, results: BroadcastResults) -> list[str]:
        return sorted(results.at_least)


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
    results = serializers.SerializerMethodField()
    tracked_clicks = serializers.SerializerMethodField()
    batches = serializers.SerializerMethodField()
    variant_results = serializers.SerializerMethodField()

    class Meta(BroadcastOutputSerializer.Meta):
        fields = [
            *BroadcastOutputSerializer.Meta.fields,
            "retrying",
            "progress",
            "batches",
            "variant_results",
            "results",
            "tracked_clicks",
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

    @extend_schema_field(BroadcastResultsSerializer(allow_null=True))
    def get_results(self, broadcast: Broadcast) -> dict | None:
        """LINE's figures of a sent broadcast (null before it is sent)."""
        if not broadcast.started_at:
            return None
        return BroadcastResultsSerializer(broadcast_results(broadcast=broadcast)).data

    @extend_schema_field(TrackedClicksSerializer(many=True))
    def get_tracked_clicks(self, broadcast: Broadcast) -> list[dict]:
        """The console's own clicks of its tracked links (per friend where attributed)."""
        return TrackedClicksSerializer(
            selectors.broadcast_clicks_per_url(broadcast=broadcast), many=True
        ).data

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
            kind = for_api_keys({"all"}).kind
            return {"audience_kind": kind, "segment_id": None, "demographic": None}
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
        named = {
            key
            for key, value in (("segment", segment), ("demographic", demographic))
            if value is not None
        }
        # Neither given: a demographic audience whose missing filter its validation reports.
        kind = for_api_keys(named or {"demographic"}).kind
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
    pagination_class = StandardPagination

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status", str, enum=Broadcast.Status.values, description="only this status"
            )
        ],
        responses=BroadcastOutputSerializer(many=True),
        summary="List broadcasts",
        description=operation_description(
            (
                "The OA's broadcasts, newest first, optionally only those in one `status` "
                "(draft, in_review, approved, scheduled, sending, sent, partially_failed, "
                "failed, cancelled)."
            ),
            returns=(
                "a page (`count`, `next`, `previous`, `results`; `page` and `page_size` up to "
                "500) of broadcasts with their content, audience, schedule, review and send "
                "outcome (recipients, accepted, failed)."
            ),
            errors=[(400, "an unknown `status`.")],
        ),
    )
    def get(self, request, account_id: int):
        account = self.get_account(account_id)
        wanted = request.query_params.get("status") or None
        if wanted and wanted not in Broadcast.Status.values:
            raise ValidationError({"status": [_("Unknown status.")]})
        page = self.paginate(selectors.broadcast_list(account=account, status=wanted))
        return self.paginated_response(BroadcastOutputSerializer(page, many=True).data)

    @extend_schema(
        request=BroadcastInputSerializer,
        examples=[BROADCAST_EXAMPLE],
        responses={201: BroadcastDetailOutputSerializer},
        summary="Create a draft broadcast",
        description=operation_description(
            (
                "Creates a draft. Body: `name`, `messages` (LINE message objects), `audience` "
                '(`{"all": true}`, `{"segment": id}`, a LINE demographic filter, or a segment '
                "with a filter), and optionally `variants` (A/B), `variant_test_percent`, "
                "`holdout_percent`, `track_clicks`, `click_attribution` and `repeat_weekdays`."
            ),
            returns="201 with the draft's detail (as `GET …/broadcasts/{broadcast_id}/`).",
            capability=Capability.DRAFT_BROADCASTS,
            errors=[
                (
                    400,
                    (
                        "the messages are not valid LINE messages, the audience or a variant is not "
                        "valid, or the segment is not one of this OA; `error.fields` names each."
                    ),
                )
            ],
        ),
    )
    def post(self, request, account_id: int):
        account = self.get_account(account_id)
        self.require(Capability.DRAFT_BROADCASTS)
        data = BroadcastInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            broadcast = workflow.broadcast_create(
                account=account,
                created_by=_user(request),
                request=request,
                **_service_kwargs(data.validated_data),
            )
        except DjangoValidationError as exc:
            raise _service_error(exc) from exc
        return self.detail(broadcast, status.HTTP_201_CREATED)


class BroadcastDetailApi(_BroadcastApi):
    @extend_schema(
        responses=BroadcastDetailOutputSerializer,
        summary="Get a broadcast",
        description=operation_description(
            (
                "One broadcast of the OA with its progress while it sends and its results "
                "after: batch outcomes (first 100), A/B variant results, and LINE's own "
                "statistics once fetched (`line_stats`: delivered, impressions, clicks; per "
                "aggregation unit for multicasts and pushes; null where LINE withheld a figure "
                "under 20)."
            ),
            returns=(
                "the broadcast's detail: content, audience, schedule, review, `progress`, "
                "`batches`, `variant_results`, `line_stats` and `aggregation_units`."
            ),
            errors=[(404, "no broadcast with this id in the OA.")],
        ),
    )
    def get(self, request, account_id: int, broadcast_id: int):
        return self.detail(self.broadcast(account_id, broadcast_id))

    @extend_schema(
        request=BroadcastInputSerializer,
        examples=[BROADCAST_EXAMPLE],
        responses=BroadcastDetailOutputSerializer,
        summary="Replace a broadcast's content and audience (an approved one returns to review)",
        description=operation_description(
            (
                "Replaces the content and audience of a broadcast not yet sent. An approved or "
                "scheduled broadcast goes back to review, since what was approved is no longer "
                "what would be sent. Body: `name`, `messages` (LINE message objects), "
                '`audience` (`{"all": true}`, `{"segment": id}`, a LINE demographic filter, or '
                "a segment with a filter), and optionally `variants` (A/B), "
                "`variant_test_percent`, `holdout_percent`, `track_clicks`, `click_attribution` "
                "and `repeat_weekdays`."
            ),
            returns="the broadcast's detail after the change.",
            capability=Capability.DRAFT_BROADCASTS,
            errors=[
                (400, "the new content or audience is not valid."),
                (404, "no broadcast with this id in the OA."),
                (
                    409,
                    (
                        "the broadcast's state does not allow it (the message says which state it is "
                        "in)."
                    ),
                ),
            ],
        ),
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

    @extend_schema(
        responses={204: None},
        summary="Delete a draft or cancelled broadcast",
        description=operation_description(
            (
                "Deletes a broadcast that LINE never saw: a draft or a cancelled one. Anything "
                "that was sent stays for the record."
            ),
            returns="204 with no body.",
            capability=Capability.DRAFT_BROADCASTS,
            errors=[
                (404, "no broadcast with this id in the OA."),
                (409, "the broadcast is neither a draft nor cancelled."),
            ],
        ),
    )
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


@extend_schema(
    request=None,
    responses=BroadcastDetailOutputSerializer,
    summary="Submit for review",
    description=operation_description(
        ("Sends a draft to review; an admin or owner approves or rejects it."),
        returns="the broadcast's detail, now `in_review`.",
        capability=Capability.DRAFT_BROADCASTS,
        errors=[
            (404, "no broadcast with this id in the OA."),
            (409, "the broadcast is not a draft."),
        ],
    ),
)
class BroadcastSubmitApi(_ActionApi):
    def act(self, broadcast, data):
        return workflow.broadcast_submit(broadcast=broadcast, user=_user(self.request))


@extend_schema(
    request=CommentSerializer,
    responses=BroadcastDetailOutputSerializer,
    summary="Approve",
    description=operation_description(
        (
            "Approves a broadcast in review, with an optional comment. One whose author "
            "already chose a future time becomes scheduled at once; otherwise it waits, "
            "approved, for a send time."
        ),
        returns="the broadcast's detail, now `approved` or `scheduled`.",
        capability=Capability.APPROVE_BROADCASTS,
        errors=[
            (404, "no broadcast with this id in the OA."),
            (409, "the broadcast is not in review."),
        ],
    ),
)
class BroadcastApproveApi(_ActionApi):
    capability = Capability.APPROVE_BROADCASTS
    request_serializer = CommentSerializer

    def act(self, broadcast, data):
        return workflow.broadcast_approve(
            broadcast=broadcast,
            user=_user(self.request),
            comment=data["comment"],
            request=self.request,
        )


@extend_schema(
    request=CommentSerializer,
    responses=BroadcastDetailOutputSerializer,
    summary="Reject back to draft, with a comment",
    description=operation_description(
        ("Sends a broadcast in review back to its author as a draft, with the reviewer's reason."),
        returns="the broadcast's detail, a draft again, with `review_comment`.",
        capability=Capability.APPROVE_BROADCASTS,
        errors=[
            (400, "no comment: say what needs to change."),
            (404, "no broadcast with this id in the OA."),
            (409, "the broadcast is not in review."),
        ],
    ),
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
    description=operation_description(
        (
            "Chooses when the broadcast goes out: `send_at` as ISO-8601 (a time without an "
            "offset is a wall-clock time in the OA's time zone), or null to send now. "
            "Before approval this only records the wish; an approved broadcast becomes "
            "scheduled, and one due now is handed to a worker at once."
        ),
        returns="the broadcast's detail with its `send_at` and status.",
        capability=Capability.DRAFT_BROADCASTS,
        errors=[
            (400, "`send_at` is not an ISO-8601 date and time, or is in the past."),
            (404, "no broadcast with this id in the OA."),
            (
                409,
                (
                    "the broadcast can no longer be scheduled, or is not approved and null (now) "
                    "was asked."
                ),
            ),
        ],
    ),
)
class BroadcastScheduleApi(_ActionApi):
    request_serializer = ScheduleSerializer

    def act(self, broadcast, data):
        send_at = parse_send_at(data["send_at"], broadcast=broadcast)
        return workflow.broadcast_schedule(broadcast=broadcast, send_at=send_at)


@extend_schema(
    request=None,
    responses=BroadcastDetailOutputSerializer,
    summary="Cancel",
    description=operation_description(
        (
            "Cancels a broadcast that has not gone out: it will not be sent. A cancelled "
            "broadcast can then be deleted."
        ),
        returns="the broadcast's detail, now `cancelled`.",
        capability=Capability.DRAFT_BROADCASTS,
        errors=[
            (404, "no broadcast with this id in the OA."),
            (409, "the broadcast is already sending, sent or cancelled."),
        ],
    ),
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


@extend_schema(
    request=SendWinnerSerializer,
    responses={201: BroadcastDetailOutputSerializer},
    summary="Send the winning A/B variant to the rest (creates a follow-up draft)",
    description=operation_description(
        (
            "After an A/B test sent to part of the audience, creates a follow-up draft that "
            "sends the winning variant (`variant`, by default the leader by click rate) to "
            "the friends who got no variant yet. The follow-up goes through review like any "
            "broadcast."
        ),
        returns="201 with the follow-up draft's detail.",
        capability=Capability.DRAFT_BROADCASTS,
        errors=[
            (400, "`variant` is not a variant of this broadcast."),
            (404, "no broadcast with this id in the OA."),
            (
                409,
                (
                    "the broadcast has no finished A/B test with friends left waiting, or its "
                    "winner was already sent."
                ),
            ),
        ],
    ),
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
    pagination_class = StandardPagination

    @extend_schema(
        responses=BatchOutputSerializer(many=True),
        summary="Every batch's outcome",
        description=operation_description(
            (
                "Every LINE request the broadcast was split into (multicast of up to 500, push "
                "per friend, or one broadcast/narrowcast), in order."
            ),
            returns=(
                "a page (`count`, `next`, `previous`, `results`; `page` and `page_size` up to "
                "500) of batches: method, status, size, attempts, whether LINE rate-limited it, "
                "HTTP status, LINE request id, aggregation unit, error and times."
            ),
            errors=[(404, "no broadcast with this id in the OA.")],
        ),
    )
    def get(self, request, account_id: int, broadcast_id: int):
        broadcast = self.broadcast(account_id, broadcast_id)
        page = self.paginate(selectors.broadcast_batches(broadcast=broadcast))
        return self.paginated_response(BatchOutputSerializer(page, many=True).data)


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
        responses=EstimateOutputSerializer,
        summary="Recipients, held back, LINE's minimums",
        description=operation_description(
            (
                "What sending the broadcast now would do: how LINE would be called, how many "
                "friends it reaches, how many the frequency cap and quiet hours hold back, how "
                "long it takes at LINE's rate limits, and any reason it cannot be sent (LINE's "
                "minimum audience for narrowcasts, an empty audience, ...)."
            ),
            returns=(
                "the estimate: `method`, `matched`, `reachable`, `excluded_by_cap`, `to_send`, "
                "`requests`, `duration_seconds`, `quiet_until`, `problems`, `notes` and "
                "`can_send`."
            ),
            errors=[(404, "no broadcast with this id in the OA.")],
        ),
    )
    def get(self, request, account_id: int, broadcast_id: int):
        broadcast = self.broadcast(account_id, broadcast_id)
        estimate = planning.broadcast_estimate(broadcast=broadcast)
        return Response(EstimateOutputSerializer(estimate).data)
