"""What the journeys API answers: a journey, its detail with figures, problems, enrolments."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from journeys.models import Enrolment, Journey
from journeys.selectors.journeys import has_unpublished_changes
from journeys.selectors.stats import arm_conversions, journey_funnel, journey_summary, node_stats


class ProblemSerializer(serializers.Serializer):
    node_id = serializers.CharField(allow_null=True, help_text="null: the trigger, entry or goal")
    field = serializers.CharField(help_text="JSON path inside the node (or the graph)")
    code = serializers.CharField()
    message = serializers.CharField()


class JourneyOutputSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="email", read_only=True, allow_null=True)
    active_version = serializers.SerializerMethodField()
    unpublished_changes = serializers.SerializerMethodField()

    class Meta:
        model = Journey
        fields = [
            "id",
            "name",
            "status",
            "active_version",
            "unpublished_changes",
            "paused_reason",
            "created_by",
            "created_at",
            "updated_at",
            "submitted_at",
            "activated_at",
            "paused_at",
            "archived_at",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_active_version(self, journey: Journey) -> int | None:
        return journey.active_version.number if journey.active_version else None

    @extend_schema_field(serializers.BooleanField())
    def get_unpublished_changes(self, journey: Journey) -> bool:
        return has_unpublished_changes(journey)


class NodeStatsSerializer(serializers.Serializer):
    entered = serializers.IntegerField()
    waiting = serializers.IntegerField(help_text="friends waiting on the node now")
    in_flight = serializers.IntegerField(help_text="friends on the node now")
    passed = serializers.DictField(child=serializers.IntegerField(), help_text="per outlet")
    sent = serializers.IntegerField()
    delivered = serializers.IntegerField(help_text="accepted by LINE")
    held = serializers.IntegerField(help_text="held back by the frequency cap or quiet hours")
    failed = serializers.IntegerField()
    clicks = serializers.IntegerField()
    conversions = serializers.IntegerField(help_text="goals whose last send was this node's")
    revenue = serializers.DecimalField(max_digits=16, decimal_places=2)


class SummarySerializer(serializers.Serializer):
    enrolled = serializers.IntegerField()
    in_flight = serializers.IntegerField()
    completed = serializers.IntegerField()
    exited = serializers.IntegerField()
    failed = serializers.IntegerField()
    converted = serializers.IntegerField()
    revenue = serializers.DecimalField(max_digits=16, decimal_places=2)
    conversion_rate = serializers.FloatField(allow_null=True)


class FunnelStepSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="`enrolled`, a send node's id, or `converted`")
    label = serializers.CharField()
    count = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True, help_text="of the enrolled")


class ArmSerializer(serializers.Serializer):
    arm = serializers.CharField()
    is_control = serializers.BooleanField()
    enrolled = serializers.IntegerField()
    converted = serializers.IntegerField()
    revenue = serializers.DecimalField(max_digits=16, decimal_places=2)
    rate = serializers.FloatField(allow_null=True)
    interval = serializers.ListField(
        child=serializers.FloatField(), allow_null=True, help_text="Wilson 95 % interval"
    )
    difference = serializers.FloatField(allow_null=True, help_text="rate minus the control's")
    difference_interval = serializers.ListField(
        child=serializers.FloatField(), allow_null=True, help_text="its 95 % interval"
    )


class JourneyDetailOutputSerializer(JourneyOutputSerializer):
    graph = serializers.JSONField(source="draft_graph", help_text="the graph being drafted")
    published_graph = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()
    node_stats = serializers.SerializerMethodField()
    funnel = serializers.SerializerMethodField()
    arms = serializers.SerializerMethodField()

    class Meta(JourneyOutputSerializer.Meta):
        fields = [
            *JourneyOutputSerializer.Meta.fields,
            "graph",
            "published_graph",
            "summary",
            "node_stats",
            "funnel",
            "arms",
        ]

    @extend_schema_field(serializers.JSONField(allow_null=True))
    def get_published_graph(self, journey: Journey):
        return journey.active_version.graph if journey.active_version else None

    @extend_schema_field(SummarySerializer)
    def get_summary(self, journey: Journey) -> dict:
        summary = journey_summary(account=journey.account, journey=journey)
        data = dict(summary.__dict__, conversion_rate=summary.conversion_rate)
        return SummarySerializer(data).data

    @extend_schema_field(serializers.DictField(child=NodeStatsSerializer()))
    def get_node_stats(self, journey: Journey) -> dict:
        stats = node_stats(account=journey.account, journey=journey)
        return {node_id: NodeStatsSerializer(s).data for node_id, s in stats.items()}

    @extend_schema_field(FunnelStepSerializer(many=True))
    def get_funnel(self, journey: Journey) -> list:
        return FunnelStepSerializer(
            journey_funnel(account=journey.account, journey=journey), many=True
        ).data

    @extend_schema_field(ArmSerializer(many=True))
    def get_arms(self, journey: Journey) -> list:
        return ArmSerializer(
            arm_conversions(account=journey.account, journey=journey), many=True
        ).data


class EnrolmentOutputSerializer(serializers.ModelSerializer):
    line_user_id = serializers.CharField(source="friend.line_user_id")
    member_id = serializers.CharField(source="friend.member_id")
    version = serializers.IntegerField(source="version.number")

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "line_user_id",
            "member_id",
            "version",
            "node_id",
            "state",
            "arm",
            "entered_at",
            "next_run_at",
            "waiting_for",
            "ended_at",
            "exit_reason",
            "is_test",
            "trigger_properties",
        ]
