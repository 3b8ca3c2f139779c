"""LINE aggregation units in every multicast and push body: the opt-in on the sending rules,
the same body on every retry of a key, one unit per A/B arm, and LINE refusing units (the usage
endpoint or a send)."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from broadcasts.models import Broadcast, BroadcastBatch
from broadcasts.services import aggregation, results, sending
from segments.models import SendingRules
from tests.broadcasts.aggregation_helpers import (
    bodies_by_key,
    client_for_detail,
    segment_broadcast,
)
from tests.broadcasts.conftest import make_friends
from tests.broadcasts.services.test_variants import ab_broadcast, arm
from tests.broadcasts.test_sending import run_to_end

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scope")]
Status = Broadcast.Status


def test_unit_names_match_lines_pattern_even_for_huge_ids():
    assert aggregation.unit_name(42) == "oac_b42"
    assert aggregation.unit_name(42, 7) == "oac_b42_v7"
    huge = aggregation.unit_name(9_223_372_036_854_775_807, 9_223_372_036_854_775_807)
    assert aggregation.UNIT_PATTERN.match(huge)
    assert huge != aggregation.unit_name(9_223_372_036_854_775_807, 9_223_372_036_854_775_806)


def test_switched_off_no_unit_is_sent_and_line_is_not_asked(account, rules, line):
    make_friends(account, 10)
    broadcast = run_to_end(segment_broadcast(account))  # ``rules`` has units off
    assert broadcast.status == Status.SENT and SendingRules().use_aggregation_units
    (call,) = line.server.calls("multicast")
    assert "customAggregationUnits" not in call.json()
    assert broadcast.aggregation_units == []
    assert not line.server.calls("getAggregationUnitUsage")
    assert not results.line_stats_available(broadcast=broadcast)


def test_every_multicast_carries_the_broadcasts_unit(account, units_on, line):
    make_friends(account, 1201)
    broadcast = run_to_end(segment_broadcast(account))
    unit = f"oac_b{broadcast.pk}"
    calls = line.server.calls("multicast")
    assert len(calls) == 3
    assert all(c.json()["customAggregationUnits"] == [unit] for c in calls)
    assert broadcast.aggregation_units == [{"unit": unit, "variant": None}]
    assert set(
        BroadcastBatch.unscoped.filter(broadcast=broadcast).values_list(
            "aggregation_unit", flat=True
        )
    ) == {unit}
    assert len(line.server.calls("getAggregationUnitUsage")) == 1
    assert line.units_used == [unit]


def test_a_retry_sends_the_same_body_under_the_same_key(account, units_on, line):
    make_friends(account, 10)
    line.server.fail_next("multicast", 500, times=2)
    broadcast = run_to_end(segment_broadcast(account))
    (bodies,) = bodies_by_key(line, "multicast").values()
    assert len(bodies) == 3 and bodies[0] == bodies[1] == bodies[2]
    assert bodies[0]["customAggregationUnits"] == [f"oac_b{broadcast.pk}"]


def test_turning_the_setting_on_mid_send_does_not_change_a_started_broadcast(account, rules, line):
    make_friends(account, 10)
    line.server.fail_next("multicast", 500)
    broadcast = segment_broadcast(account)
    from broadcasts.services import sending

    assert sending.broadcast_start(broadcast_id=broadcast.pk)
    sending.broadcast_send(broadcast_id=broadcast.pk)  # decided without units, then a 5xx
    rules.use_aggregation_units = True
    rules.save()
    broadcast = run_to_end(broadcast)
    (bodies,) = bodies_by_key(line, "multicast").values()
    assert len(bodies) == 2 and all("customAggregationUnits" not in b for b in bodies)


def test_each_ab_arm_gets_its_own_unit(account, units_on, line):
    make_friends(account, 40)
    broadcast = run_to_end(
        ab_broadcast(account, [arm("Discount", "20% off"), arm("Gift", "A free gift")])
    )
    assert broadcast.status == Status.SENT
    variant_of = {v.pk: v.label for v in broadcast.variants.all()}
    assert [entry["variant"] for entry in broadcast.aggregation_units] == sorted(variant_of)
    texts = defaultdict(set)
    # Without links each arm goes by multicast (push with links): every call carries its arm's unit.
    calls = line.server.calls("multicast") + line.server.calls("pushMessage")
    assert calls
    for call in calls:
        body = call.json()
        (unit,) = body["customAggregationUnits"]
        texts[unit].add(body["messages"][0]["text"])
    assert {unit: len(t) for unit, t in texts.items()} == {
        f"oac_b{broadcast.pk}_v{pk}": 1 for pk in variant_of
    }  # one arm's messages per unit
    assert sorted(line.units_used) == sorted(texts)


def test_line_refusing_units_at_the_usage_check_sends_without(account, units_on, line, viewer):
    make_friends(account, 10)
    line.units_forbidden = True
    broadcast = run_to_end(segment_broadcast(account))
    assert broadcast.status == Status.SENT
    assert "customAggregationUnits" not in line.server.calls("multicast")[0].json()
    assert broadcast.aggregation_units == []
    assert "LINE refused aggregation units for this OA (403" in broadcast.aggregation_note
    page = client_for_detail(account, broadcast, viewer)
    assert 'data-testid="aggregation-note"' in page


def test_a_send_refused_for_its_unit_is_resent_without_it_under_a_new_key(account, units_on, line):
    friends = make_friends(account, 1201)
    line.unit_limit = 0  # LINE counts the month's units as used up
    broadcast = run_to_end(segment_broadcast(account))
    assert broadcast.status == Status.SENT
    calls = line.server.calls("multicast")
    # The first claim's calls (up to MULTICAST_CLAIM at once) carry the unit and are refused;
    # then each of the three batches goes once without it.
    refused = [c for c in calls if "customAggregationUnits" in c.json()]
    assert 1 <= len(refused) <= min(3, sending.MULTICAST_CLAIM)
    assert calls[: len(refused)] == refused
    assert all(c.json()["customAggregationUnits"] == [f"oac_b{broadcast.pk}"] for c in refused)
    assert len(calls) == len(refused) + 3
    # A key always names one body, and every friend got the message exactly once.
    assert all(
        len({json.dumps(b) for b in v}) == 1 for v in bodies_by_key(line, "multicast").values()
    )
    assert set(line.received.values()) == {1} and len(line.received) == len(friends)
    batches = BroadcastBatch.unscoped.filter(broadcast=broadcast)
    assert set(batches.values_list("aggregation_unit", "refused_unit")) == {
        ("", f"oac_b{broadcast.pk}")
    }
    assert "LINE refused the aggregation unit" in broadcast.aggregation_note
    assert "monthly limit" in broadcast.aggregation_note
    assert not results.broadcast_units_sent(broadcast=broadcast)
    assert broadcast.aggregation_units == []  # the unit was never used
    assert not results.line_stats_available(broadcast=broadcast)


def test_a_refusal_that_is_not_about_the_unit_still_fails_the_batch(account, units_on, line):
    make_friends(account, 10)
    line.server.fail_next("multicast", 400, times=2, message="Invalid message")
    broadcast = run_to_end(segment_broadcast(account))
    assert broadcast.status == Status.FAILED
    calls = line.server.calls("multicast")
    assert len(calls) == 2 and "customAggregationUnits" not in calls[1].json()
    assert broadcast.aggregation_note == ""
    batch = BroadcastBatch.unscoped.get(broadcast=broadcast)
    assert (batch.status, batch.error_message) == ("failed", "Invalid message")
