"""The activity hub's ``journeys.triggers`` subscriber: a friend's activity enrols them into
the OA's active journeys whose trigger it matches (follow, message keyword, postback, link
click, custom event, tag added or removed, form answered).

The OA's active journeys are loaded once per batch; each version's trigger is read once (the
graph of a version never changes). A batch's matches enrol per journey in one call of
``enrolments_start_each`` (set-based entry rules: a few queries per 1,000 activities, whatever
their number), in the order the activities happened. A redelivered batch enrols nobody twice: an enrolment
journals the activity id that caused it, and those already journaled are skipped (the
dedupe and re-entry rules hold on top).
"""

from __future__ import annotations

from collections.abc import Sequence

from journeys.engine.conditions import conditions_match
from journeys.engine.enrol import EnrolEntry, enrolments_start_each
from journeys.models import EnrolmentStep, Journey
from oa_console.activity.models import Activity
from oa_console.activity.registry import ActivityRow, per_account
from oa_console.models import LineAccount

SUBSCRIBER = "journeys.triggers"
Kind = Activity.Kind
KINDS = (
    Kind.FOLLOW,
    Kind.UNBLOCK,
    Kind.MESSAGE,
    Kind.POSTBACK,
    Kind.LINK_CLICK,
    Kind.CUSTOM_EVENT,
    Kind.TAG_ADDED,
    Kind.TAG_REMOVED,
    Kind.FORM_ANSWERED,
)
TRIGGER_ACTIVITIES = {
    "follow": (Kind.FOLLOW, Kind.UNBLOCK),
    "message_keyword": (Kind.MESSAGE,),
    "postback": (Kind.POSTBACK,),
    "link_click": (Kind.LINK_CLICK,),
    "custom_event": (Kind.CUSTOM_EVENT,),
    "tag": (Kind.TAG_ADDED, Kind.TAG_REMOVED),
    "form_answered": (Kind.FORM_ANSWERED,),
}


def postback_data(payload: dict) -> str:
    data = payload.get("data")
    if isinstance(data, dict):
        data = data.get("data")
    return data if isinstance(data, str) else ""


def trigger_properties(trigger: dict, row: ActivityRow) -> dict | None:
    """The event properties the activity gives the journey when it matches the trigger, or
    None when it does not match."""
    kind, payload = trigger["kind"], row.payload or {}
    if row.kind not in TRIGGER_ACTIVITIES.get(kind, ()):
        return None
    if kind == "follow":
        wanted = {"first": (Kind.FOLLOW,), "refollow": (Kind.UNBLOCK,)}.get(
            trigger["follow"], (Kind.FOLLOW, Kind.UNBLOCK)
        )
        return {} if row.kind in wanted else None
    if kind == "message_keyword":
        text = str(payload.get("text") or "")
        folded = text.strip().casefold()
        keywords = [keyword.strip().casefold() for keyword in trigger["keywords"]]
        if trigger["match"] == "exact":
            hit = folded in keywords
        else:
            hit = any(keyword and keyword in folded for keyword in keywords)
        return {"text": text} if hit else None
    if kind == "postback":
        data = postback_data(payload)
        if trigger["match"] == "exact":
            hit = data == trigger["data"]
        else:
            hit = data.startswith(trigger["data"])
        return {"data": data} if hit else None
    if kind == "link_click":
        url = str(payload.get("url") or "")
        return {"url": url} if url.startswith(trigger.get("url_prefix", "")) else None
    if kind == "custom_event":
        properties = payload.get("properties") or {}
        if payload.get("name") != trigger["event"]:
            return None
        return (
            dict(properties)
            if conditions_match(trigger.get("conditions", []), properties)
            else None
        )
    if kind == "form_answered":
        if payload.get("form_id") != trigger["form_id"]:
            return None
        if trigger.get("answers") == "first" and not payload.get("first"):
            return None
        return {"form": str(payload.get("form") or "")}
    # tag
    change = Kind.TAG_ADDED if trigger["change"] == "added" else Kind.TAG_REMOVED
    return {} if row.kind == change and payload.get("tag_id") == trigger["tag_id"] else None


def active_journeys(account: LineAccount) -> list[tuple[Journey, dict]]:
    """The OA's active journeys with a live trigger, each with its version's trigger."""
    journeys = (
        Journey.objects.for_account(account)
        .filter(status=Journey.Status.ACTIVE, active_version__isnull=False)
        .select_related("active_version")
    )
    result = []
    for journey in journeys:
        trigger = journey.active_version.graph.get("trigger") or {}
        if trigger.get("kind") in TRIGGER_ACTIVITIES:
            result.append((journey, trigger))
    return result


def journeys_trigger_react(activities: Sequence[ActivityRow]) -> None:
    per_account(activities, _react)


def _react(account: LineAccount, rows: list[ActivityRow]) -> None:
    rows = [row for row in rows if row.friend_id is not None]
    if not rows:
        return
    journeys = active_journeys(account)
    if not journeys:
        return
    matches: list[tuple[Journey, ActivityRow, dict]] = []
    for journey, trigger in journeys:
        for row in rows:
            properties = trigger_properties(trigger, row)
            if properties is not None:
                matches.append((journey, row, properties))
    if not matches:
        return
    friend_ids = {row.friend_id for _j, row, _p in matches}
    since = min(row.occurred_at for _j, row, _p in matches)
    done = _already_enrolled(
        account, {journey.pk for journey, _r, _p in matches}, friend_ids, since
    )
    entries: dict[Journey, list[EnrolEntry]] = {}
    for journey, row, properties in matches:
        if (journey.pk, row.pk) in done:
            continue
        done.add((journey.pk, row.pk))
        entries.setdefault(journey, []).append(
            EnrolEntry(row.friend_id, properties, row.occurred_at, activity_id=row.pk)
        )
    for journey, journey_entries in entries.items():
        enrolments_start_each(account=account, journey=journey, entries=journey_entries)


def _already_enrolled(
    account: LineAccount, journey_ids: set[int], friend_ids: set[int], since
) -> set:
    """(journey, activity) pairs already enrolled: a redelivered batch's. An enrolment's
    journal line is dated at its activity's time, so older lines need not be read."""
    steps = EnrolmentStep.objects.for_account(account).filter(
        kind=EnrolmentStep.Kind.ENROLLED,
        at__gte=since,
        journey_id__in=journey_ids,
        friend_id__in=friend_ids,
        detail__has_key="activity_id",
    )
    return {
        (journey_id, detail.get("activity_id"))
        for journey_id, detail in steps.values_list("journey_id", "detail")
    }
