"""What the journeys API accepts."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

from journeys.starters import STARTERS

MAX_ENROL_REFS = 1000


def graph_object(value):
    """A graph is a JSON object even in a draft saved with problems (``strict`` false): a list,
    a number or ``true`` is no graph to fix later, and every page reading drafts expects one."""
    if not isinstance(value, dict):
        raise serializers.ValidationError(_("A graph is a JSON object (docs/journeys.md)."))
    return value


class JourneyCreateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    starter = serializers.ChoiceField(
        choices=sorted(STARTERS), required=False, help_text="a template to start from"
    )
    graph = serializers.JSONField(
        required=False, help_text="a whole graph (docs/journeys.md)", validators=[graph_object]
    )
    strict = serializers.BooleanField(
        required=False,
        default=True,
        help_text="refuse a graph with problems (default); false saves a draft with problems",
    )


class JourneyUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    graph = serializers.JSONField(required=False, validators=[graph_object])
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
