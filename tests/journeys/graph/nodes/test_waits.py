"""Wait and wait-for-event nodes: each mode's fields, windows, durations and attributes."""

import pytest

from tests.journeys.graph.helpers import graph, oa_context, problems, with_node


def wait(**fields) -> dict:
    return with_node("pause", {"type": "wait", **fields}, {"next": "send"})


@pytest.mark.parametrize(
    "fields",
    [
        {"mode": "duration", "duration": {"amount": 30, "unit": "minutes"}},
        {"mode": "time_of_day", "time": "09:30"},
        {"mode": "time_of_day", "time": "09:30", "weekdays": [1, 2, 3]},
        {"mode": "window", "from": "10:00", "to": "18:00", "weekdays": [1, 2, 3, 4, 5]},
        {"mode": "date_attribute", "attribute": "birthday", "offset_days": -3, "time": "10:00"},
    ],
)
def test_each_mode_accepted(fields):
    assert problems(wait(**fields), oa_context()) == set()


def test_mode_needs_its_fields():
    assert problems(wait(mode="window", **{"from": "10:00"})) == {
        ("pause", "to", "missing_field"),
        ("pause", "weekdays", "missing_field"),
    }


def test_field_of_another_mode_is_refused():
    bad = wait(mode="time_of_day", time="10:00", duration={"amount": 1, "unit": "hours"})
    assert problems(bad) == {("pause", "duration", "field_not_for_mode")}


def test_window_must_end_after_it_starts():
    bad = wait(mode="window", weekdays=[6, 7], **{"from": "18:00", "to": "10:00"})
    assert problems(bad) == {("pause", "to", "empty_window")}


def test_time_must_be_a_clock_time():
    assert problems(wait(mode="time_of_day", time="24:00")) == {("pause", "time", "schema")}


def test_weekdays_are_1_to_7_once_each():
    bad = wait(mode="time_of_day", time="10:00", weekdays=[1, 1])
    assert problems(bad) == {("pause", "weekdays", "schema")}
    bad = wait(mode="time_of_day", time="10:00", weekdays=[0])
    assert problems(bad) == {("pause", "weekdays[0]", "schema")}


def test_duration_at_most_a_year():
    assert problems(wait(mode="duration", duration={"amount": 365, "unit": "days"})) == set()
    bad = wait(mode="duration", duration={"amount": 366, "unit": "days"})
    assert problems(bad) == {("pause", "duration", "duration_too_long")}


def test_date_attribute_must_be_a_date_attribute_of_the_oa():
    unknown = wait(mode="date_attribute", attribute="anniversary", time="10:00")
    assert problems(unknown, oa_context()) == {("pause", "attribute", "unknown_attribute")}
    number = wait(mode="date_attribute", attribute="points", time="10:00")
    assert problems(number, oa_context()) == {("pause", "attribute", "attribute_not_date")}
    # Without an OA the attribute cannot be looked up, so it is not refused.
    assert problems(unknown) == set()


def wait_for(**fields) -> dict:
    node = {"type": "wait_for_event", "event": "purchase", **fields}
    return with_node("listen", node, {"matched": "send", "timed_out": "send"})


def test_wait_for_event_has_two_outlets():
    good = wait_for(timeout={"amount": 2, "unit": "hours"})
    assert problems(good) == set()
    del good["edges"]["listen"]["timed_out"]
    assert problems(good) == {("listen", "edges.timed_out", "missing_outlet")}


def test_wait_for_event_needs_a_timeout_within_a_year():
    assert problems(wait_for()) == {("listen", "timeout", "schema")}
    bad = wait_for(timeout={"amount": 9000, "unit": "hours"})
    assert problems(bad) == {("listen", "timeout", "duration_too_long")}


def test_wait_for_event_conditions():
    conditions = [
        {"property": "total", "op": "gte", "value": "1000"},
        {"property": "sku", "op": "in", "value": "A1"},
        {"property": "coupon", "op": "exists", "value": True},
        {"property": "channel", "op": "eq"},
        {"property": "items", "op": "contains", "value": ["a"]},
        {"property": "total", "op": "lt", "value": 5000},
    ]
    bad = wait_for(timeout={"amount": 1, "unit": "days"}, conditions=conditions)
    assert problems(bad) == {
        ("listen", f"conditions[{index}].value", "condition_value") for index in range(5)
    }


def test_base_graph_still_valid():
    assert problems(graph()) == set()
