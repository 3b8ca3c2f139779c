"""The words the builder's forms show for the graph's field names and fixed values.

The graph's JSON keys are codes (``quiet_hours``, ``timed_out``); the forms never show one raw.
A test walks every field of every node type and trigger kind, so a new field without a label
here fails the suite instead of showing a code.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

FIELD_LABELS = {
    "label": _("Name on the card"),
    "mode": _("Wait"),
    "duration": _("How long"),
    "time": _("Time of day"),
    "weekdays": _("On these days"),
    "from": _("From"),
    "to": _("To"),
    "attribute": _("Attribute"),
    "offset_days": _("Days from the date (negative: before)"),
    "event": _("Event name"),
    "conditions": _("Conditions on the event's properties"),
    "timeout": _("Wait at most"),
    "rules": _("Segment rules"),
    "clicked": _("And clicked a link sent by these steps"),
    "paths": _("Paths"),
    "control": _("Control path"),
    "messages": _("Messages"),
    "quiet_hours": _("During quiet hours"),
    "click_tracking": _("Count link clicks"),
    "carousel_from": _("Repeat a carousel bubble per item"),
    "add": _("Tags to add"),
    "remove": _("Tags to remove"),
    "value": _("Value"),
    "from_event": _("Or take the value from the event's property"),
    "url": _("Address (https)"),
    "secret_ref": _("Signing secret"),
    "retries": _("Retries"),
    "timeout_seconds": _("Timeout in seconds"),
    "response_attributes": _("Attributes set from the answer"),
    "journey_id": _("Journey"),
    "menu_id": _("Rich menu"),
    # Triggers
    "kind": _("Trigger"),
    "properties": _("Properties the event carries"),
    "follow": _("Which follows"),
    "keywords": _("Keywords"),
    "match": _("Match"),
    "data": _("Postback data"),
    "url_prefix": _("Links starting with"),
    "tag_id": _("Tag"),
    "change": _("Change"),
    "form_id": _("Form"),
    "answers": _("Which answers"),
    "segment_id": _("Segment"),
    "days_before": _("Days before the date"),
    "item_property": _("Property naming the product"),
    "viewed_event": _("Event of a friend viewing it"),
    "viewed_within_days": _("Viewed within (days)"),
    "bought_event": _("Event of a friend buying it"),
    # Entry rules and goal
    "audience": _("Only friends matching these segment rules"),
    "following_only": _("Only friends who follow the OA"),
    "reentry": _("Re-entry"),
    "policy": _("Can a friend enter again?"),
    "days": _("After how many days"),
    "dedupe_property": _("Enter once per value of the event's property"),
    "max_concurrent": _("At most this many enrolments of a friend at once"),
    "window": _("Within"),
    "exit_on_goal": _("Reaching the goal ends the journey for the friend"),
    "revenue_property": _("Event property holding the revenue"),
}

CHOICE_LABELS = {
    "mode": {
        "duration": _("for a while"),
        "time_of_day": _("until a time of day"),
        "window": _("until within a weekly time window"),
        "date_attribute": _("until a date of the friend"),
    },
    "unit": {"minutes": _("minutes"), "hours": _("hours"), "days": _("days")},
    "quiet_hours": {
        "defer": _("send when quiet hours end"),
        "drop": _("do not send"),
    },
    "click_tracking": {
        "friend": _("per friend (sent one by one)"),
        "node": _("per step (friends can share one multicast)"),
        "off": _("do not track links"),
    },
    "follow": {
        "first": _("first follow"),
        "refollow": _("follow again after a block"),
        "any": _("any follow"),
    },
    "match": {
        "exact": _("exactly"),
        "contains": _("contains"),
        "prefix": _("starts with"),
    },
    "change": {"added": _("added"), "removed": _("removed")},
    "answers": {"any": _("every answer"), "first": _("a friend's first answer")},
    "policy": {
        "once": _("never: once ever"),
        "after_days": _("again after some days"),
        "every_time": _("every time"),
    },
}

WEEKDAY_LABELS = {
    1: _("Monday"),
    2: _("Tuesday"),
    3: _("Wednesday"),
    4: _("Thursday"),
    5: _("Friday"),
    6: _("Saturday"),
    7: _("Sunday"),
}

HELP_TEXTS = {
    "rules": _("The same conditions as a segment's; “+ Condition” and “+ Group” add more."),
    "audience": _("The same conditions as a segment's; with none, every friend may enter."),
    "properties": _("Comma-separated names, e.g. cart_id, total."),
    "keywords": _("One per line."),
    "clicked": _(
        "None ticked: clicks do not matter. Only steps that count link clicks per friend know "
        "who clicked."
    ),
    "response_attributes": _(
        "Each row reads a key of the webhook's JSON answer into an attribute of the friend."
    ),
    "carousel_from": _(
        "The chosen message must be a Flex carousel with one bubble: it is repeated once per "
        "item of the list, up to the limit. Leave the message empty for none."
    ),
    "click_tracking": _(
        "Per friend lets a branch or a link-click trigger see who clicked, but every friend's "
        "message differs, so they go out one by one instead of in multicasts. Leave empty for "
        "per step."
    ),
}


def choice_label(field: str, value: str) -> str:
    return str(CHOICE_LABELS.get(field, {}).get(value, value))


def field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))
