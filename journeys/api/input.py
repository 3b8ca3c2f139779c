"""What the journeys API accepts."""

from __future__ import annotations

from rest_framework import serializers

from journeys.starters import STARTERS

MAX_ENROL_REFS = 1000


class JourneyCreateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    starter = serializers.ChoiceField(
        choices=sorted(STARTERS), required=False, help_text="a template to start from"
    )
    graph = serializers.JSONField(required=False, help_text="a whole graph (docs/journeys.md)")
    strict = serializers.BooleanField(
        required=False,
        default=True,
        help_text="refuse a graph with problems (default); false saves a draft with problems",
    )


class JourneyUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    graph = serializers.JSONField(required=False)
    strict = serializers.BooleanField(
        required=False,
        default=True,
        help_text="refuse a graph with problems (default); false saves a draft with problems",
    )


class CopyInputSerializer(serializers.Serializer):
    account = serializers.IntegerField(help_text="the OA (of the same workspace) to copy to")


class EnrolInputSerializer(serializers.Serializer):
    friends = serializers.ListField(
        child=serializers.CharField(max_length=128),
        allow_empty=False,
        max_length=MAX_ENROL_REFS,
        help_text="LINE user ids or member ids of the OA's friends",
    )
    properties = serializers.DictField(
        required=False, default=dict, help_text="what the journey's templates see as {event.*}"
    )
