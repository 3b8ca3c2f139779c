"""What the broadcast API answers: a broadcast, its detail with progress and results, batches."""

from __future__ import annotations

from drf_spectacular.utils import (
    extend_schema_field,
)
from rest_framework import serializers

from broadcasts import selectors
from broadcasts.audiences import audience_for
from broadcasts.models import Broadcast, BroadcastBatch, BroadcastVariant
from broadcasts.results_selectors import BroadcastResults, State, broadcast_results
from broadcasts.services import variants
from broadcasts.variant_selectors import broadcast_variant_results


def audience_out(broadcast: Broadcast) -> dict:
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
        return audience_out(broadcast)


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
