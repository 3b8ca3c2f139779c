"""Shared by the aggregation unit tests: LINE's per-unit statistics as the fake answers them,
the setting switched on, a scheduled segment broadcast, and the Insight fake."""

from __future__ import annotations

from collections import defaultdict

from django.urls import reverse
from django.utils import timezone

from broadcasts.models import Broadcast
from broadcasts.services import results
from tests.broadcasts.conftest import everyone_segment, make_broadcast
from tests.conftest import client_for

Kind = Broadcast.AudienceKind
Status = Broadcast.Status

STATS = {
    "overview": {
        "uniqueImpression": 40,
        "uniqueClick": None,
        "uniqueMediaPlayed": None,
        "uniqueMediaPlayed100Percent": None,
    },
    "messages": [{"seq": 1, "impression": 42, "uniqueImpression": 40}],
    "clicks": [
        {
            "seq": 1,
            "url": "https://shop.example/sale",
            "click": 35,
            "uniqueClick": 25,
            "uniqueClickOfRequest": None,
        },
        {"seq": 1, "url": "https://shop.example/more", "click": 21, "uniqueClick": None},
    ],
}


def segment_broadcast(account, **fields) -> Broadcast:
    return make_broadcast(
        account,
        audience_kind=Kind.SEGMENT,
        segment=everyone_segment(account),
        status=Status.SCHEDULED,
        **fields,
    )


def bodies_by_key(line, operation: str) -> dict[str, list[dict]]:
    bodies = defaultdict(list)
    for call in line.server.calls(operation):
        bodies[call.headers["X-Line-Retry-Key"]].append(call.json())
    return bodies


def jst_day(moment) -> str:
    return timezone.localtime(moment, results.JST).strftime("%Y%m%d")


def client_for_detail(account, broadcast, user) -> str:
    url = reverse("broadcast_detail", args=[account.workspace.slug, account.slug, broadcast.pk])
    return client_for(user).get(url).content.decode()
