"""What the raw webhook store holds about a friend, for personal-data requests (registered
into ``segments.personal_data`` in ``WebhooksConfig.ready``).

Erasure redacts rather than deletes: the webhook health page and the rollups' coverage count
stored events live, and a kept row also stops a redelivery of the same event from being stored
again. The friend's own events keep only their type, time and the pseudonym; anyone else's
event naming them (a group member list, a mention) keeps its content with the id replaced.
"""

from __future__ import annotations

import json

from django.db.models import Q
from django.utils.translation import gettext as _

from segments.personal_data.registry import PersonalDataProvider, Section, Subject
from segments.personal_data.scrub import replace_in_json_text, rows_mentioning
from webhooks.models import WebhookEvent

KEPT_KEYS = ("type", "mode", "timestamp", "webhookEventId", "deliveryContext")


def _events(subject: Subject):
    events = WebhookEvent.objects.for_account(subject.account)
    # Only a group or room event names other users (member lists, mentions): the text scan
    # stays off the OA's one-to-one events, nearly all of them.
    shared = events.filter(source_type__in=["group", "room"])
    mentioning = rows_mentioning(shared, "payload", subject.line_user_id).values("pk")
    return events.filter(Q(source_user_id=subject.line_user_id) | Q(pk__in=mentioning))


def export(subject: Subject) -> list[Section]:
    section = Section("webhook_events", _("Raw webhook events from LINE"))
    for event in _events(subject).order_by("timestamp_ms", "pk"):
        try:
            payload = json.loads(event.payload)
        except ValueError:
            payload = event.payload
        section.records.append(
            {
                "webhook_event_id": event.webhook_event_id,
                "type": event.event_type,
                "occurred_at": event.occurred_at,
                "received_at": event.received_at,
                "status": event.status,
                "payload": payload,
            }
        )
    return [section]


def redacted_payload(raw: str, pseudonym: str) -> str:
    """The friend's own event without content: what the counts need, and nothing else."""
    try:
        event = json.loads(raw)
    except ValueError:
        event = {}
    if not isinstance(event, dict):
        event = {}
    kept = {key: event[key] for key in KEPT_KEYS if key in event}
    source = event.get("source") if isinstance(event.get("source"), dict) else {}
    kept["source"] = {k: v for k, v in source.items() if k in ("type", "groupId", "roomId")}
    kept["source"]["userId"] = pseudonym
    message = event.get("message")
    if isinstance(message, dict):
        kept["message"] = {"type": message.get("type", ""), "id": ""}
    if isinstance(event.get("follow"), dict):
        kept["follow"] = {"isUnblocked": bool(event["follow"].get("isUnblocked"))}
    if "postback" in event:
        kept["postback"] = {"data": ""}
    kept["erased"] = True
    return json.dumps(kept, separators=(",", ":"))


def erase(subject: Subject) -> dict[str, int]:
    uid, pseudonym = subject.line_user_id, subject.pseudonym
    changed = 0
    for event in _events(subject).only("pk", "payload", "source_user_id", "error"):
        if event.source_user_id == uid:
            payload = redacted_payload(event.payload, pseudonym)
            source_user_id = pseudonym
        else:
            payload = replace_in_json_text(event.payload, {uid: pseudonym})
            source_user_id = event.source_user_id
        WebhookEvent.objects.for_account(subject.account).filter(pk=event.pk).update(
            payload=payload,
            source_user_id=source_user_id,
            error=event.error.replace(uid, pseudonym),
        )
        changed += 1
    return {"webhook_events": changed}


PROVIDER = PersonalDataProvider(app="webhooks", export=export, erase=erase, order=10)
