"""Every field x operator of the rules language against hand-computed expectations.

The friends and their values are in ``crm_world``; each expectation below follows from the
comments there with the clock pinned at ``NOW``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from segments.models import Friend, FriendTag, Tag
from segments.rules.validation import RulesInvalid
from segments.selectors import segments as segment_selectors
from tests.segments.crm_world import DAY, NOW, build_crm_world
from tests.segments.factories import FriendFactory

ALL = {"A", "B", "C", "D"}


def c(field, op, value):
    return {"field": field, "op": op, "value": value}


CASES = [
    # status
    (c("status", "eq", "blocked"), {"B"}),
    (c("status", "ne", "blocked"), {"A", "C", "D"}),
    (c("status", "in", ["following"]), {"A", "C", "D"}),
    (c("status", "in", ["following", "blocked"]), ALL),
    # friendship_days: A 100, B 30, C 7 (exactly), D unknown
    (c("friendship_days", "eq", 30), {"B"}),
    (c("friendship_days", "eq", 7), {"C"}),
    (c("friendship_days", "ne", 30), {"A", "C", "D"}),
    (c("friendship_days", "gt", 30), {"A"}),
    (c("friendship_days", "gte", 30), {"A", "B"}),
    (c("friendship_days", "lt", 30), {"C"}),
    (c("friendship_days", "lte", 30), {"B", "C"}),
    (c("friendship_days", "between", [7, 30]), {"B", "C"}),
    (c("friendship_days", "is_set", True), {"A", "B", "C"}),
    (c("friendship_days", "is_set", False), {"D"}),
    # followed_at (latest follow): A 06-12 21:00 JST, B 05-16 19:00, C 06-08 21:00, D unknown
    (c("followed_at", "within_days", 7), {"A", "C"}),
    (c("followed_at", "within_days", 3), {"A"}),
    (c("followed_at", "more_than_days_ago", 7), {"B"}),
    (c("followed_at", "since", "2025-06-08"), {"A", "C"}),
    (c("followed_at", "since", "2025-06-09"), {"A"}),
    (c("followed_at", "before", "2025-06-08"), {"B"}),
    (c("followed_at", "between", ["2025-05-16", "2025-06-08"]), {"B", "C"}),
    (c("followed_at", "between", ["2025-06-12", "2025-06-12"]), {"A"}),
    (c("followed_at", "is_set", False), {"D"}),
    (c("followed_at", "is_set", True), {"A", "B", "C"}),
    # last_interaction_days: A 1, B 45, C never, D 9 (and 23 hours)
    (c("last_interaction_days", "eq", 1), {"A"}),
    (c("last_interaction_days", "ne", 1), {"B", "C", "D"}),
    (c("last_interaction_days", "gt", 1), {"B", "D"}),
    (c("last_interaction_days", "gte", 30), {"B"}),
    (c("last_interaction_days", "lt", 9), {"A"}),
    (c("last_interaction_days", "lte", 9), {"A", "D"}),
    (c("last_interaction_days", "between", [2, 45]), {"B", "D"}),
    (c("last_interaction_days", "is_set", False), {"C"}),
    ({"not": c("last_interaction_days", "gte", 30)}, {"A", "C", "D"}),
    # message_count: A 10, B 2, C 0, D 5
    (c("message_count", "eq", 5), {"D"}),
    (c("message_count", "ne", 5), {"A", "B", "C"}),
    (c("message_count", "gt", 2), {"A", "D"}),
    (c("message_count", "gte", 2), {"A", "B", "D"}),
    (c("message_count", "lt", 2), {"C"}),
    (c("message_count", "lte", 5), {"B", "C", "D"}),
    (c("message_count", "between", [1, 5]), {"B", "D"}),
    # tag: vip on A and D, news on A and B
    (c("tag", "has", "$vip"), {"A", "D"}),
    (c("tag", "has_any", ["$vip", "$news"]), {"A", "B", "D"}),
    (c("tag", "has_all", ["$vip", "$news"]), {"A"}),
    (c("tag", "has_none", ["$news"]), {"C", "D"}),
    (c("tag", "has_none", ["$vip", "$news"]), {"C"}),
    # age on 2025-06-15 (JST): A 35 (birthday today), B 24 (25 tomorrow), C unknown, D 17
    (c("age", "eq", 35), {"A"}),
    (c("age", "ne", 35), {"B", "C", "D"}),
    (c("age", "gt", 24), {"A"}),
    (c("age", "gte", 24), {"A", "B"}),
    (c("age", "lt", 24), {"D"}),
    (c("age", "lte", 24), {"B", "D"}),
    (c("age", "between", [17, 24]), {"B", "D"}),
    (c("age", "is_set", False), {"C"}),
    # gender: A female, B male, C unknown, D other
    (c("gender", "eq", "female"), {"A"}),
    (c("gender", "ne", "female"), {"B", "C", "D"}),
    (c("gender", "in", ["male", "other"]), {"B", "D"}),
    (c("gender", "is_set", True), {"A", "B", "D"}),
    (c("gender", "is_set", False), {"C"}),
    # region: A jp_13, B jp_27
    (c("region", "eq", "jp_13"), {"A"}),
    (c("region", "ne", "jp_13"), {"B", "C", "D"}),
    (c("region", "in", ["jp_13", "jp_27"]), {"A", "B"}),
    (c("region", "is_set", False), {"C", "D"}),
    # language: A ja, B en, C ja
    (c("language", "eq", "ja"), {"A", "C"}),
    (c("language", "ne", "ja"), {"B", "D"}),
    (c("language", "in", ["en"]), {"B"}),
    (c("language", "is_set", True), {"A", "B", "C"}),
    # member_tier: A gold, B silver
    (c("member_tier", "eq", "gold"), {"A"}),
    (c("member_tier", "ne", "gold"), {"B", "C", "D"}),
    (c("member_tier", "in", ["gold", "silver"]), {"A", "B"}),
    (c("member_tier", "is_set", True), {"A", "B"}),
    # add_source: only A came through a campaign
    (c("add_source", "eq", "qr_spring"), {"A"}),
    (c("add_source", "ne", "qr_spring"), {"B", "C", "D"}),
    (c("add_source", "in", ["qr_spring", "flyer"]), {"A"}),
    (c("add_source", "is_set", False), {"B", "C", "D"}),
    # member_id: only A is linked
    (c("member_id", "is_set", True), {"A"}),
    (c("member_id", "is_set", False), {"B", "C", "D"}),
    # attribute.points (number): A 1500, B 200
    (c("attribute.points", "eq", 200), {"B"}),
    (c("attribute.points", "ne", 200), {"A", "C", "D"}),
    (c("attribute.points", "in", [200, 1500]), {"A", "B"}),
    (c("attribute.points", "gt", 200), {"A"}),
    (c("attribute.points", "gt", 199.5), {"A", "B"}),
    (c("attribute.points", "gte", 200), {"A", "B"}),
    (c("attribute.points", "lt", 1500), {"B"}),
    (c("attribute.points", "lte", 1500), {"A", "B"}),
    (c("attribute.points", "between", [100, 1000]), {"B"}),
    (c("attribute.points", "is_set", True), {"A", "B"}),
    (c("attribute.points", "is_set", False), {"C", "D"}),
    # attribute.city (text): A Tokyo, B Osaka, D empty
    (c("attribute.city", "eq", "Tokyo"), {"A"}),
    (c("attribute.city", "ne", "Tokyo"), {"B", "C", "D"}),
    (c("attribute.city", "in", ["Osaka", "Kyoto"]), {"B"}),
    (c("attribute.city", "contains", "OSA"), {"B"}),
    (c("attribute.city", "is_set", True), {"A", "B"}),
    (c("attribute.city", "is_set", False), {"C", "D"}),
    # attribute.signup (date): A 2024-01-10, D 2025-06-01
    (c("attribute.signup", "eq", "2025-06-01"), {"D"}),
    (c("attribute.signup", "ne", "2025-06-01"), {"A", "B", "C"}),
    (c("attribute.signup", "gt", "2024-01-10"), {"D"}),
    (c("attribute.signup", "gte", "2024-01-10"), {"A", "D"}),
    (c("attribute.signup", "lt", "2025-06-01"), {"A"}),
    (c("attribute.signup", "lte", "2025-06-01"), {"A", "D"}),
    (c("attribute.signup", "between", ["2024-01-01", "2024-12-31"]), {"A"}),
    (c("attribute.signup", "is_set", False), {"B", "C"}),
    # attribute.newsletter (boolean): A yes, B no
    (c("attribute.newsletter", "eq", True), {"A"}),
    (c("attribute.newsletter", "eq", False), {"B"}),
    (c("attribute.newsletter", "ne", True), {"B", "C", "D"}),
    (c("attribute.newsletter", "is_set", True), {"A", "B"}),
    (c("attribute.newsletter", "is_set", False), {"C", "D"}),
    # event: A purchases 10, 40 and 400 days ago; B abandoned a cart 5 days ago;
    # C purchased 2 days ago (a gift, shoes)
    (c("event", "did", {"name": "purchase"}), {"A", "C"}),
    (c("event", "did_not", {"name": "purchase"}), {"B", "D"}),
    (c("event", "did", {"name": "purchase", "within_days": 30}), {"A", "C"}),
    (c("event", "did", {"name": "purchase", "within_days": 7}), {"C"}),
    (c("event", "did", {"name": "purchase", "min_count": 2}), {"A"}),
    (c("event", "did", {"name": "purchase", "min_count": 2, "within_days": 30}), set()),
    (c("event", "did", {"name": "purchase", "min_count": 2, "within_days": 60}), {"A"}),
    (c("event", "did_not", {"name": "purchase", "min_count": 2}), {"B", "C", "D"}),
    (c("event", "did", {"name": "purchase", "where": {"category": "shoes"}}), {"A", "C"}),
    (c("event", "did", {"name": "purchase", "where": {"gift": True}}), {"C"}),
    (c("event", "did", {"name": "purchase", "where": {"in": "x"}}), {"C"}),
    (
        c("event", "did", {"name": "purchase", "within_days": 30, "where": {"category": "bags"}}),
        set(),
    ),
    (c("event", "did_not", {"name": "cart_abandoned", "within_days": 30}), {"A", "C", "D"}),
    # broadcasts: spring delivered to A and B (summer to D, not yet delivered); clicks: A 4
    # days ago, B 39 days ago
    (c("received_broadcast", "did", {}), {"A", "B"}),
    (c("received_broadcast", "did", {"broadcast_ids": ["$spring"]}), {"A", "B"}),
    (c("received_broadcast", "did", {"broadcast_ids": ["$summer"]}), set()),
    (c("received_broadcast", "did_not", {}), {"C", "D"}),
    (c("clicked", "did", {}), {"A", "B"}),
    (c("clicked", "did", {"within_days": 30}), {"A"}),
    (c("clicked", "did_not", {"broadcast_ids": ["$spring"]}), {"C", "D"}),
    (c("clicked", "did_not", {"within_days": 30}), {"B", "C", "D"}),
    # rfm: A champions 5/5/5, B at_risk 2/3/4, D new 5/1/1, C not scored
    (c("rfm", "in_cells", ["champions"]), {"A"}),
    (c("rfm", "in_cells", ["at_risk", "new"]), {"B", "D"}),
    (c("rfm", "scores", {"r": [5, 5]}), {"A", "D"}),
    (c("rfm", "scores", {"r": [4, 5], "f": [1, 2]}), {"D"}),
    (c("rfm", "scores", {"m": [4, 5]}), {"A", "B"}),
    # groups
    ({"all": []}, ALL),
    ({"any": []}, set()),
    ({"not": {"any": []}}, ALL),
    ({"not": {"all": []}}, set()),
    (
        {
            "all": [
                {"any": [c("tag", "has", "$vip"), c("status", "eq", "blocked")]},
                {"not": c("event", "did", {"name": "purchase"})},
            ]
        },
        {"B", "D"},
    ),
    (
        {
            "any": [
                {"all": [c("gender", "eq", "female"), c("age", "gte", 30)]},
                {"not": {"any": [c("tag", "has", "$news"), c("member_tier", "is_set", True)]}},
            ]
        },
        {"A", "C", "D"},
    ),
]


def _resolve(node, world):
    """Replace "$vip"-style placeholders with the fixture's tag ids."""
    if isinstance(node, dict):
        return {key: _resolve(value, world) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolve(value, world) for value in node]
    if isinstance(node, str) and node.startswith("$"):
        found = world.tags.get(node[1:]) or world.broadcasts.get(node[1:])
        return found.pk
    return node


def _case_id(case) -> str:
    rules = case[0]
    if "field" in rules:
        return f"{rules['field']}-{rules['op']}-{rules['value']}"
    return str(rules)[:60]


@pytest.fixture
def world(account, scope):
    return build_crm_world(account)


@pytest.mark.django_db
@pytest.mark.parametrize("rules,expected", CASES, ids=[_case_id(case) for case in CASES])
def test_field_operator(world, rules, expected):
    rules = _resolve(rules, world)
    friends = segment_selectors.segment_friends(account=world.account, rules=rules, now=NOW)
    assert world.letters(friends) == expected


def test_every_field_and_operator_is_covered():
    from segments.rules.fields import ATTRIBUTE_OPS, FIELDS

    covered = {(rules["field"], rules["op"]) for rules, _ in CASES if "field" in rules}
    fields_ops = {(name, op) for name, spec in FIELDS.items() for op in spec.ops}
    attribute_fields = {
        "number": "attribute.points",
        "text": "attribute.city",
        "date": "attribute.signup",
        "boolean": "attribute.newsletter",
    }
    fields_ops |= {
        (attribute_fields[kind], op) for kind, ops in ATTRIBUTE_OPS.items() for op in ops
    }
    assert fields_ops - covered == set()


@pytest.mark.django_db
def test_count_and_reachable_in_one_query_whatever_the_tree(world):
    rules = {
        "all": [
            {"any": [c("tag", "has_any", [world.tags["vip"].pk]), c("age", "gte", 20)]},
            {"not": c("event", "did", {"name": "purchase", "min_count": 2})},
            c("attribute.points", "gte", 0),
            {"any": [c("rfm", "in_cells", ["at_risk"]), c("language", "eq", "ja")]},
        ]
    }
    with CaptureQueriesContext(connection) as queries:
        result = segment_selectors.segment_count(account=world.account, rules=rules, now=NOW)
    friend_queries = [q for q in queries.captured_queries if "segments_friend" in q["sql"]]
    # Tags and attributes of the OA are looked up once; the friends are counted by one query.
    assert len(queries.captured_queries) == 3
    assert len(friend_queries) == 1
    # any(vip, age >= 20) = A, B, D; not 2+ purchases removes A; points set: B; B is in
    # at_risk -> B, blocked, so not reachable.
    assert (result.count, result.reachable) == (1, 0)


@pytest.mark.django_db
def test_reachable_counts_only_following_friends(world):
    result = segment_selectors.segment_count(account=world.account, rules={"all": []}, now=NOW)
    assert (result.count, result.reachable) == (4, 3)


@pytest.mark.django_db
def test_relative_dates_stay_relative(world):
    saved = c("followed_at", "within_days", 7)

    def members(now):
        return world.letters(
            segment_selectors.segment_friends(account=world.account, rules=saved, now=now)
        )

    assert members(NOW) == {"A", "C"}
    assert members(NOW + 4 * DAY) == {"A"}  # A's follow is then exactly 7 days old
    assert members(NOW + 5 * DAY) == set()
    assert members(NOW - 3 * DAY) == {"A", "C"}  # A followed at that very instant


@pytest.mark.django_db
def test_calendar_dates_are_days_of_the_oa_time_zone(world):
    friend = world.friends["C"]
    # 16:00 UTC on 7 June is 01:00 on 8 June in Tokyo.
    Friend.unscoped.filter(pk=friend.pk).update(
        last_followed_at=datetime(2025, 6, 7, 16, 0, tzinfo=UTC)
    )
    rules = c("followed_at", "since", "2025-06-08")
    friends = segment_selectors.segment_friends(account=world.account, rules=rules, now=NOW)
    assert world.letters(friends) == {"A", "C"}


@pytest.mark.django_db
def test_age_of_a_29_february_birthday_in_a_common_year(world):
    rules = c("age", "gte", 17)

    def members(now):
        return world.letters(
            segment_selectors.segment_friends(account=world.account, rules=rules, now=now)
        )

    # Tokyo dates: 28 Feb 2025 21:00 and 1 Mar 2025 21:00.
    assert "D" not in members(datetime(2025, 2, 28, 12, tzinfo=UTC))
    assert "D" in members(datetime(2025, 3, 1, 12, tzinfo=UTC))


@pytest.mark.django_db
def test_another_oa_friends_never_match(world, other_account, other_workspace):
    stranger = FriendFactory(account=other_account, gender="female")
    foreign_tag = Tag.unscoped.create(account=other_account, name="vip")
    FriendTag.unscoped.create(
        account=other_account, friend=stranger, tag=foreign_tag, source="manual", tagged_at=NOW
    )
    friends = segment_selectors.segment_friends(
        account=world.account, rules=c("gender", "eq", "female"), now=NOW
    )
    assert world.letters(friends) == {"A"}
    # Another OA's tag id is unknown here, exactly like a missing one.
    with pytest.raises(RulesInvalid) as raised:
        segment_selectors.segment_count(
            account=world.account, rules=c("tag", "has", foreign_tag.pk), now=NOW
        )
    assert raised.value.as_dict() == {"$.value": [f"No tag with id {foreign_tag.pk}."]}


@pytest.mark.django_db
def test_default_clock_is_now(world):
    later = datetime.now(UTC) + timedelta(seconds=5)
    rules = c("followed_at", "within_days", 7)
    assert segment_selectors.segment_count(account=world.account, rules=rules).count == len(
        world.letters(
            segment_selectors.segment_friends(account=world.account, rules=rules, now=later)
        )
    )
