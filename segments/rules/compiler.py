"""Compile a validated rule tree into one filter on ``Friend`` (a ``Q`` of columns and
``EXISTS`` subqueries), so a count or a member list is a single SQL query however deep the tree.

Every relative value (N days, an age) is turned into a point in time from ``now``, which the
caller passes in: a saved "followed within 7 days" therefore means the 7 days before each
evaluation, and tests pin the clock by passing their own ``now``.

Semantics that hold for every field: ``ne`` is exactly ``not eq`` (it includes friends without a
value); range operators never match a friend without a value; ``not`` is the complement within
the OA's friends.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.fields.json import KeyTransform

from segments.models import CustomEvent, FriendAttribute, FriendTag, RfmScore
from segments.rules.fields import ATTRIBUTE_PREFIX, field_query
from segments.rules.validation import RuleContext

MATCH_ALL = Q(pk__isnull=False)
MATCH_NONE = Q(pk__in=[])


class _Compiler:
    def __init__(self, context: RuleContext, now: datetime):
        self.context = context
        self.now = now
        self.zone = ZoneInfo(context.account.time_zone or "UTC")
        self.today = now.astimezone(self.zone).date()

    # Groups ---------------------------------------------------------------------------------

    def node(self, node: dict) -> Q:
        if "all" in node:
            children = [self.node(child) for child in node["all"]]
            return _combine(children, Q.AND) if children else MATCH_ALL
        if "any" in node:
            children = [self.node(child) for child in node["any"]]
            return _combine(children, Q.OR) if children else MATCH_NONE
        if "not" in node:
            return ~self.node(node["not"])
        return self.condition(node["field"], node["op"], node["value"])

    def condition(self, name: str, op: str, value) -> Q:
        if op == "ne":
            return ~self.condition(name, "eq", value)
        if name.startswith(ATTRIBUTE_PREFIX):
            return self.attribute(name[len(ATTRIBUTE_PREFIX) :], op, value)
        registered = field_query(name, op, value, account=self.context.account, now=self.now)
        if registered is not None:
            return registered
        handler: Callable[[str, object], Q] = getattr(self, f"field_{name}")
        return handler(op, value)

    # Plain columns --------------------------------------------------------------------------

    def field_status(self, op: str, value) -> Q:
        return Q(status__in=value) if op == "in" else Q(status=value)

    def field_message_count(self, op: str, value) -> Q:
        return _compare("message_count", op, value)

    def _text_column(self, column: str, op: str, value) -> Q:
        if op == "is_set":
            present = ~Q(**{column: ""})
            return present if value else ~present
        if op == "in":
            return Q(**{f"{column}__in": value})
        return Q(**{column: value})

    def field_gender(self, op: str, value) -> Q:
        return self._text_column("gender", op, value)

    def field_region(self, op: str, value) -> Q:
        return self._text_column("region", op, value)

    def field_language(self, op: str, value) -> Q:
        return self._text_column("language", op, value)

    def field_member_tier(self, op: str, value) -> Q:
        return self._text_column("member_tier", op, value)

    def field_add_source(self, op: str, value) -> Q:
        return self._text_column("add_source", op, value)

    def field_member_id(self, op: str, value) -> Q:
        return self._text_column("member_id", op, value)

    # Relative times -------------------------------------------------------------------------

    def _days_since(self, column: str, op: str, value) -> Q:
        """Whole days elapsed since ``column``: d >= N  <=>  column <= now - N days."""
        if op == "is_set":
            return Q(**{f"{column}__isnull": not value})

        def at_least(days: int) -> Q:
            return Q(**{f"{column}__lte": self.now - timedelta(days=days)})

        def at_most(days: int) -> Q:
            return Q(**{f"{column}__gt": self.now - timedelta(days=days + 1)})

        return _range(op, value, at_least, at_most)

    def field_friendship_days(self, op: str, value) -> Q:
        return self._days_since("first_followed_at", op, value)

    def field_last_interaction_days(self, op: str, value) -> Q:
        return self._days_since("last_interaction_at", op, value)

    def field_age(self, op: str, value) -> Q:
        """Age in whole years today (in the OA's time zone): age >= N <=> born on or before
        today N years ago (a 29 February birthday counts from 1 March in common years)."""
        if op == "is_set":
            return Q(birthday__isnull=not value)

        def at_least(years: int) -> Q:
            return Q(birthday__lte=_years_before(self.today, years))

        def at_most(years: int) -> Q:
            return Q(birthday__gt=_years_before(self.today, years + 1))

        return _range(op, value, at_least, at_most)

    def _day_start(self, day: str | date) -> datetime:
        day = date.fromisoformat(day) if isinstance(day, str) else day
        return datetime.combine(day, time.min, tzinfo=self.zone)

    def field_followed_at(self, op: str, value) -> Q:
        column = "last_followed_at"
        if op == "is_set":
            return Q(last_followed_at__isnull=not value)
        if op == "within_days":
            return Q(**{f"{column}__gte": self.now - timedelta(days=value)})
        if op == "more_than_days_ago":
            return Q(**{f"{column}__lt": self.now - timedelta(days=value)})
        if op == "since":
            return Q(**{f"{column}__gte": self._day_start(value)})
        if op == "before":
            return Q(**{f"{column}__lt": self._day_start(value)})
        low, high = value  # between two dates, both included
        end = self._day_start(date.fromisoformat(high) + timedelta(days=1))
        return Q(**{f"{column}__gte": self._day_start(low), f"{column}__lt": end})

    # Related rows ---------------------------------------------------------------------------

    def field_tag(self, op: str, value) -> Q:
        def has(ids: list[int]) -> Q:
            # Correlated to the outer query's friend, already the OA's: naming the OA here too
            # would cost the index-only scan (tests/segments/test_segment_count_indexes.py).
            tags = FriendTag.unscoped.filter(friend_id=OuterRef("pk"))
            if len(ids) == 1:
                return Q(Exists(tags.filter(tag_id=ids[0])))
            return Q(Exists(tags.filter(tag_id__in=ids)))

        if op == "has":
            return has([value])
        if op == "has_any":
            return has(sorted(set(value)))
        if op == "has_all":
            return _combine([has([tag_id]) for tag_id in sorted(set(value))], Q.AND)
        return ~has(sorted(set(value)))  # has_none

    def attribute(self, key: str, op: str, value) -> Q:
        attribute = self.context.attributes[key]
        column = {
            "text": "value_text",
            "number": "value_number",
            "date": "value_date",
            "boolean": "value_bool",
        }[attribute.type]
        # Correlated to the outer friend like the tags above (the OA's definition, by id).
        values = FriendAttribute.unscoped.filter(
            friend_id=OuterRef("pk"), definition_id=attribute.id
        )

        def typed(item):
            if attribute.type == "number":
                return Decimal(str(item))
            if attribute.type == "date":
                return date.fromisoformat(item)
            return item

        if op == "is_set":
            present = values.exclude(value_text="") if column == "value_text" else values
            present = present.filter(**{f"{column}__isnull": False})
            return Q(Exists(present)) if value else ~Q(Exists(present))
        if op == "eq":
            return Q(Exists(values.filter(**{column: typed(value)})))
        if op == "in":
            return Q(Exists(values.filter(**{f"{column}__in": [typed(v) for v in value]})))
        if op == "contains":
            return Q(Exists(values.filter(value_text__icontains=value)))
        if op == "between":
            low, high = (typed(v) for v in value)
            return Q(Exists(values.filter(**{f"{column}__gte": low, f"{column}__lte": high})))
        return Q(Exists(values.filter(**{f"{column}__{op}": typed(value)})))  # gt gte lt lte

    def field_event(self, op: str, value: dict) -> Q:
        # The OA is named so that custom_event_name_idx (account, name, time; friend included)
        # can serve both forms below from the index alone.
        events = CustomEvent.objects.for_account(self.context.account).filter(name=value["name"])
        if "within_days" in value:
            events = events.filter(occurred_at__gte=self.now - timedelta(days=value["within_days"]))
        for position, (key, expected) in enumerate(sorted(value.get("where", {}).items())):
            # An explicit key transform: a property called "contains" or "in" stays a key.
            alias = f"property_{position}"
            events = events.alias(**{alias: KeyTransform(key, "properties")}).filter(
                **{alias: expected}
            )
        min_count = value.get("min_count", 1)
        if min_count <= 1:
            did = Q(Exists(events.filter(friend_id=OuterRef("pk"))))
        else:
            # Friends with at least K matching events: one grouped subquery, not one per friend.
            # count(*), not count(id): the event's id is not in the index.
            did = Q(
                pk__in=events.values("friend_id")
                .annotate(matching=Count("*"))
                .filter(matching__gte=min_count)
                .values("friend_id")
            )
        return did if op == "did" else ~did

    def field_rfm(self, op: str, value) -> Q:
        # The OA leads rfm_cell_idx and rfm_scores_idx (friend included): index-only probes.
        scores = RfmScore.objects.for_account(self.context.account).filter(friend_id=OuterRef("pk"))
        if op == "in_cells":
            return Q(Exists(scores.filter(cell__in=value)))
        ranges = {f"{letter}__range": tuple(pair) for letter, pair in sorted(value.items())}
        return Q(Exists(scores.filter(**ranges)))


def _combine(parts: list[Q], connector: str) -> Q:
    combined = Q(*parts, _connector=connector)
    return combined


def _compare(column: str, op: str, value) -> Q:
    if op == "between":
        return Q(**{f"{column}__gte": value[0], f"{column}__lte": value[1]})
    if op == "eq":
        return Q(**{column: value})
    return Q(**{f"{column}__{op}": value})


def _range(op: str, value, at_least: Callable[[int], Q], at_most: Callable[[int], Q]) -> Q:
    """Whole-number comparisons from two monotone bounds (>= N and <= N)."""
    if op == "gte":
        return at_least(value)
    if op == "gt":
        return at_least(value + 1)
    if op == "lte":
        return at_most(value)
    if op == "lt":
        return at_most(value - 1)
    if op == "eq":
        return at_least(value) & at_most(value)
    low, high = value  # between, both included
    return at_least(low) & at_most(high)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year - years, day=28)


def rules_compile(rules: dict, *, context: RuleContext, now: datetime) -> Q:
    """The filter on ``Friend`` that a *validated* tree stands for (see ``validation``)."""
    return _Compiler(context, now).node(rules)
