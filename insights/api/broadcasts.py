"""API of a broadcast's per-bubble impressions and per-URL clicks (Insight API message event),
for broadcasts and narrowcasts sent from this console, by LINE request id."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from insights.metrics.broadcast_details import broadcast_details_get
from insights.sync.broadcast_details import BUBBLE_FIELDS, URL_FIELDS
from oa_console.api.base import AccountApiView
from oa_console.api.docs import operation_description

HIDDEN_HELP = (
    "Figures LINE answered null: withheld below its privacy threshold of 20 (never 0). "
    "Media figures are also null for a bubble without video or audio."
)


def _null_fields(row, names) -> list[str]:
    return [name for name in names if getattr(row, name) is None]


class BubbleOutputSerializer(serializers.Serializer):
    seq = serializers.IntegerField(source="number", help_text="bubble number, from 1")
    impressions = serializers.IntegerField(allow_null=True)
    media_played = serializers.IntegerField(allow_null=True)
    media_played_25 = serializers.IntegerField(allow_null=True)
    media_played_50 = serializers.IntegerField(allow_null=True)
    media_played_75 = serializers.IntegerField(allow_null=True)
    media_played_100 = serializers.IntegerField(allow_null=True)
    unique_media_played = serializers.IntegerField(allow_null=True)
    unique_media_played_25 = serializers.IntegerField(allow_null=True)
    unique_media_played_50 = serializers.IntegerField(allow_null=True)
    unique_media_played_75 = serializers.IntegerField(allow_null=True)
    unique_media_played_100 = serializers.IntegerField(allow_null=True)
    hidden = serializers.SerializerMethodField(help_text=HIDDEN_HELP)

    def get_hidden(self, bubble) -> list[str]:
        return _null_fields(bubble, BUBBLE_FIELDS)


class UrlOutputSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="place in LINE's list, from 0")
    seq = serializers.IntegerField(allow_null=True)
    url = serializers.CharField()
    clicks = serializers.IntegerField(allow_null=True)
    unique_clicks = serializers.IntegerField(allow_null=True)
    unique_clicks_of_request = serializers.IntegerField(allow_null=True)
    hidden = serializers.SerializerMethodField(help_text=HIDDEN_HELP)

    def get_hidden(self, url) -> list[str]:
        return _null_fields(url, URL_FIELDS)


class BroadcastStatisticsOutputSerializer(serializers.Serializer):
    request_id = serializers.CharField()
    sent_at = serializers.DateTimeField()
    fetched_at = serializers.DateTimeField(allow_null=True)
    bubbles = BubbleOutputSerializer(many=True)
    urls = UrlOutputSerializer(many=True)


class BroadcastStatisticsApi(AccountApiView):
    """Impressions per bubble and clicks per URL of one of the OA's broadcast or narrowcast
    request ids (404 for an id the OA did not send)."""

    @extend_schema(
        responses=BroadcastStatisticsOutputSerializer,
        summary="Per-bubble impressions and per-URL clicks of a broadcast",
        description=operation_description(
            (
                "Impressions per bubble and clicks per URL of one of the OA's broadcast or "
                "narrowcast requests, by LINE request id, as fetched from LINE's Insight API "
                "(message event statistics)."
            ),
            returns=(
                "`fetched_at`, `bubbles` (impressions and media plays per bubble) and `urls` "
                "(clicks and unique clicks per URL); `hidden` lists the figures LINE withheld "
                "below 20."
            ),
            errors=[
                (
                    404,
                    ("a request id this OA did not send, or whose statistics were never fetched."),
                )
            ],
        ),
    )
    def get(self, request, account_id: int, request_id: str):
        details = broadcast_details_get(account=self.account, request_id=request_id)
        if details is None:
            raise Http404
        data = {
            "request_id": details.request.request_id,
            "sent_at": details.request.sent_at,
            "fetched_at": details.fetched_at,
            "bubbles": details.bubbles,
            "urls": details.urls,
        }
        return Response(BroadcastStatisticsOutputSerializer(data).data)
