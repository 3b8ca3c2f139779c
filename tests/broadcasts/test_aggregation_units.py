"""LINE aggregation units for multicast and push: the opt-in on the sending rules, the unit in
every call's body (the same body on every retry of a key, one unit per A/B arm), LINE refusing
units (the usage endpoint or a send), and LINE's per-unit statistics fetched on the Insight
sync schedule and shown on the broadcast page and in the API (nulls as "fewer than 20")."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from broadcasts.models import Broadcast, BroadcastBatch, SendingRules
from broadcasts.services import aggregation, results, sending
from insights.models import InsightSyncState
from insights.services import sync
from insights.services.sync import insight_sync_run
from tests.broadcasts.conftest import everyone_segment, make_broadcast, make_friends
from tests.broadcasts.test_sending import run_to_end
from tests.broadcasts.test_variants import ab_broadcast, arm
from tests.conftest import client_for
from tests.fakes.line_insight import InsightScript

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scope")]
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


@pytest.fixture
def units_on(rules):
    rules.use_aggregation_units = True
    rules.save()
    return rules


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


@pytest.fixture
def insight(fake_line, settings, monkeypatch):
    cache.clear()
    settings.LINE_RATE_LIMITS = {"insight": (2000, 3600)}
    monkeypatch.setattr(sync, "BACKFILL_DAYS", 1)
    # These tests fetch right after sending; the wait for LINE's publication is
    # test_results_loop.py's.
    monkeypatch.setattr(results, "PUBLICATION_DELAY", timedelta(0))
    return InsightScript().install(fake_line)


def jst_day(moment) -> str:
    return timezone.localtime(moment, results.JST).strftime("%Y%m%d")


def test_the_insight_sync_stores_per_unit_statistics_with_nulls(account, units_on, line, insight):
    make_friends(account, 50)
    broadcast = run_to_end(segment_broadcast(account))
    unit = f"oac_b{broadcast.pk}"
    insight.unit_statistics[unit] = STATS
    insight_sync_run(account_id=account.pk)
    (call,) = line.server.calls("getStatisticsPerUnit")
    today = jst_day(timezone.now())
    assert call.query == {
        "customAggregationUnit": [unit],
        "from": [jst_day(broadcast.started_at)],
        "to": [today],
    }
    broadcast.refresh_from_db()
    (stats,) = broadcast.line_stats["units"]
    assert (stats["sent"], stats["unique_impression"], stats["unique_click"]) == (50, 40, None)
    assert (stats["open_rate"], stats["click_rate"]) == (0.8, None)
    assert stats["clicks"][1] == {
        "seq": 1,
        "url": "https://shop.example/more",
        "click": 21,
        "unique_click": None,
        "unique_click_of_request": None,
        "links": 1,
    }
    assert InsightSyncState.unscoped.get(account=account, endpoint="unit_event").outcome == "ok"
    insight_sync_run(account_id=account.pk)  # fresh: not asked again within the day
    assert len(line.server.calls("getStatisticsPerUnit")) == 1


def test_the_period_stops_thirty_days_after_the_send(account, units_on, line, insight):
    make_friends(account, 5)
    broadcast = run_to_end(segment_broadcast(account))
    started = timezone.now() - timedelta(days=31)
    Broadcast.unscoped.filter(pk=broadcast.pk).update(started_at=started)
    broadcast.refresh_from_db()
    first, last = results.unit_period(broadcast=broadcast, today=date.today() + timedelta(days=1))
    assert (last - first).days == 30
    insight_sync_run(account_id=account.pk)
    (call,) = line.server.calls("getStatisticsPerUnit")
    assert call.query["from"] == [jst_day(started)]
    assert call.query["to"] == [(first + timedelta(days=30)).strftime("%Y%m%d")]
    broadcast.refresh_from_db()
    # A unit LINE has under 20 users for: all null, shown as "fewer than 20", never 0.
    assert broadcast.line_stats["units"][0]["unique_impression"] is None


def client_for_detail(account, broadcast, user) -> str:
    url = reverse("broadcast_detail", args=[account.workspace.slug, account.slug, broadcast.pk])
    return client_for(user).get(url).content.decode()


def test_results_page_and_api_show_lines_numbers_per_variant(
    account, units_on, line, insight, viewer, admin_user
):
    make_friends(account, 40)
    broadcast = run_to_end(
        ab_broadcast(account, [arm("Discount", "20% off"), arm("Gift", "A free gift")])
    )
    a, b = broadcast.variants.order_by("position")
    insight.unit_statistics[f"oac_b{broadcast.pk}_v{a.pk}"] = STATS
    # Refresh by hand (any member may): one Insight call per unit.
    client = client_for(viewer)
    response = client.post(
        reverse("broadcast_line_stats", args=[account.workspace.slug, account.slug, broadcast.pk])
    )
    assert response.status_code == 302
    assert len(line.server.calls("getStatisticsPerUnit")) == 2
    sent_a = sum(
        BroadcastBatch.unscoped.filter(broadcast=broadcast, variant=a).values_list(
            "size", flat=True
        )
    )
    body = client.get(
        reverse("broadcast_detail", args=[account.workspace.slug, account.slug, broadcast.pk])
    ).content.decode()
    assert f'data-testid="unit-stats-oac_b{broadcast.pk}_v{a.pk}"' in body
    assert "Variant A" in body and "Variant B" in body
    assert f'data-testid="open-rate">{40 / sent_a * 100:.1f} %<' in body
    assert 'data-testid="unit-clicks">fewer than 20<' in body  # A's null unique clicks
    assert 'data-testid="unit-impressions">fewer than 20<' in body  # B: all null
    assert "https://shop.example/more" in body
    detail = APIClient()
    detail.force_authenticate(admin_user)
    data = detail.get(
        reverse(
            "api_broadcast_detail", kwargs={"account_id": account.pk, "broadcast_id": broadcast.pk}
        )
    ).json()
    units = {u["label"]: u for u in data["line_stats"]["units"]}
    assert units["A"]["unique_impression"] == 40 and units["A"]["unique_click"] is None
    assert units["B"]["unique_impression"] is None and units["B"]["sent"] == 40 - sent_a
    assert [u["variant"] for u in data["aggregation_units"]] == [a.pk, b.pk]
    assert {batch["aggregation_unit"] for batch in data["batches"]} == {
        f"oac_b{broadcast.pk}_v{a.pk}",
        f"oac_b{broadcast.pk}_v{b.pk}",
    }


def test_units_and_results_outlive_the_setting(account, units_on, line, insight, viewer):
    make_friends(account, 30)
    broadcast = run_to_end(segment_broadcast(account))
    units_on.use_aggregation_units = False
    units_on.save()
    insight.unit_statistics[f"oac_b{broadcast.pk}"] = STATS
    client_for(viewer).post(
        reverse("broadcast_line_stats", args=[account.workspace.slug, account.slug, broadcast.pk])
    )
    broadcast.refresh_from_db()
    assert broadcast.line_stats["units"][0]["unique_impression"] == 40
    page = client_for(viewer).get(
        reverse("broadcast_detail", args=[account.workspace.slug, account.slug, broadcast.pk])
    )
    assert f"<code>oac_b{broadcast.pk}</code>" in page.content.decode()


def settings_url(account, query: str = "") -> str:
    return reverse("broadcast_settings", args=[account.workspace.slug, account.slug]) + query


RULES = {
    "cap_enabled": "on",
    "cap_messages": "2",
    "cap_days": "7",
    "quiet_start": "22:00",
    "quiet_end": "08:00",
}


def test_settings_form_round_trip_with_errors_in_place(account, rules, admin_user, fake_line):
    client = client_for(admin_user)
    page = client.get(settings_url(account)).content.decode()
    assert "Count multicast and push sends with LINE aggregation units" in page
    assert "only for accounts that applied" in page
    assert (
        'name="use_aggregation_units"' in page
        and "checked" not in page.split('name="use_aggregation_units"')[1].split(">")[0]
    )
    bad = client.post(
        settings_url(account),
        {**RULES, "quiet_enabled": "on", "quiet_end": "22:00", "use_aggregation_units": "on"},
    )
    assert bad.status_code == 400
    assert "Quiet hours must end" in bad.content.decode()
    rules.refresh_from_db()
    assert not rules.use_aggregation_units
    assert client.post(settings_url(account), {**RULES, "use_aggregation_units": "on"}).status_code
    rules.refresh_from_db()
    assert rules.use_aggregation_units
    page = client.get(settings_url(account)).content.decode()
    assert "checked" in page.split('name="use_aggregation_units"')[1].split(">")[0]
    client.post(settings_url(account), RULES)  # unticked: off again
    rules.refresh_from_db()
    assert not rules.use_aggregation_units


def test_settings_page_asks_line_for_this_months_units(account, rules, admin_user, line):
    line.units_used += ["oac_b1", "oac_b2"]
    client = client_for(admin_user)
    assert not line.server.calls("getAggregationUnitUsage")
    page = client.get(settings_url(account, "?usage=units")).content.decode()
    assert "LINE counts 2 aggregation units used by this OA this month." in page
    line.units_forbidden = True
    page = client.get(settings_url(account, "?usage=units")).content.decode()
    assert "LINE refused to report units for this OA (403" in page


def test_lines_clicks_on_our_redirects_are_shown_per_real_link(
    account, units_on, line, insight, viewer
):
    make_friends(account, 3)
    broadcast = run_to_end(
        segment_broadcast(
            account, messages=[{"type": "text", "text": "Hi {displayName} https://shop.example/a"}]
        )
    )
    pushes = [c.json() for c in line.server.calls("pushMessage")]
    assert len(pushes) == 3 and all("/r/" in p["messages"][0]["text"] for p in pushes)
    links = [p["messages"][0]["text"].rsplit(" ", 1)[1] for p in pushes]
    assert len(set(links)) == 3  # one redirect per friend
    insight.unit_statistics[f"oac_b{broadcast.pk}"] = {
        **STATS,
        "clicks": [{"seq": 1, "url": link, "click": None, "uniqueClick": None} for link in links],
    }
    results.broadcast_line_stats_fetch(broadcast=broadcast)
    broadcast.refresh_from_db()
    (row,) = broadcast.line_stats["units"][0]["clicks"]
    assert row == {
        "seq": 1,
        "url": "https://shop.example/a",
        "click": None,
        "unique_click": None,
        "unique_click_of_request": None,
        "links": 3,
    }
    assert "under 20 per link (3 links)" in client_for_detail(account, broadcast, viewer)
