"""What semantic checks know beyond the graph itself, and the checks several parts share."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from coupons.selectors import coupon_refusals_by_id
from journeys.graph.fragments import (
    MAX_DURATION_SECONDS,
    NUMERIC_OPS,
    duration_seconds,
)
from journeys.graph.problems import GraphProblem, join_path
from journeys.models import Journey
from liff_forms.selectors.forms import form_choices
from oa_console.models import LineAccount
from segments.rules.validation import RuleContext, rules_errors


@dataclass
class CheckContext:
    """Facts the checks need. ``rules`` is the OA's tags and attributes (None: validate what
    needs no OA, as the published starters do); ``journey_ids`` the OA's journeys an enrol node
    may name (None: not checked); ``journey_id`` the journey being validated (it may not enrol
    into itself); ``variables`` the event properties the trigger makes available to templates;
    ``node_types`` the graph's node ids and their types (for checks that name other nodes);
    ``coupon_refusals`` the OA's coupons a send may not carry (closed or ended) and why.
    """

    rules: RuleContext | None = None
    journey_ids: set[int] | None = None
    journey_id: int | None = None
    variables: set[str] | None = None
    node_types: dict[str, str] | None = None
    coupon_refusals: dict[str, str] | None = None
    # The OA's forms a "form answered" trigger may name (None: not checked).
    form_ids: set[int] | None = None

    @classmethod
    def for_account(cls, account: LineAccount, *, journey_id: int | None = None) -> CheckContext:
        """Everything the checks look up for ``account``, read once per validation."""
        return cls(
            rules=RuleContext.for_account(account),
            journey_ids=set(Journey.objects.for_account(account).values_list("pk", flat=True)),
            journey_id=journey_id,
            coupon_refusals=coupon_refusals_by_id(account=account),
            form_ids={pk for pk, _title in form_choices(account=account)},
        )

    def attribute_type(self, key: str) -> str | None:
        """The type of the OA's attribute ``key``; None when unknown or when there is no OA."""
        if self.rules is None or key not in self.rules.attributes:
            return None
        return self.rules.attributes[key].type

    def unknown_attribute(self, key: str) -> bool:
        return self.rules is not None and key not in self.rules.attributes

    def unknown_tag(self, tag_id: int) -> bool:
        return self.rules is not None and tag_id not in self.rules.tag_ids


def conditions_problems(
    conditions: list[dict], node_id: str | None, path: str
) -> list[GraphProblem]:
    """What the schema cannot say about property conditions: a value for every operator but
    ``exists``, a number for comparisons, a list for ``in``."""
    problems = []
    for index, condition in enumerate(conditions):
        where = join_path(join_path(path, index), "value")
        op, value = condition["op"], condition.get("value")
        if op == "exists":
            if "value" in condition:
                problems.append(
                    GraphProblem(node_id, where, "condition_value", _("“exists” takes no value."))
                )
            continue
        if "value" not in condition:
            problems.append(
                GraphProblem(node_id, where, "condition_value", _("This condition needs a value."))
            )
        elif op in NUMERIC_OPS and (isinstance(value, bool) or not isinstance(value, int | float)):
            problems.append(
                GraphProblem(node_id, where, "condition_value", _("Compare with a number."))
            )
        elif op == "in" and not isinstance(value, list):
            problems.append(
                GraphProblem(node_id, where, "condition_value", _("“in” takes a list of values."))
            )
        elif op != "in" and isinstance(value, list):
            problems.append(
                GraphProblem(node_id, where, "condition_value", _("Only “in” takes a list."))
            )
    return problems


def duration_problems(duration: dict, node_id: str | None, path: str) -> list[GraphProblem]:
    if duration_seconds(duration) > MAX_DURATION_SECONDS:
        return [
            GraphProblem(
                node_id, path, "duration_too_long", _("A duration can be at most 365 days.")
            )
        ]
    return []


def rules_problems(
    rules: dict, context: CheckContext, node_id: str | None, path: str
) -> list[GraphProblem]:
    """Segment rules checked by segments' own validation, its JSON paths appended to ours."""
    return [
        GraphProblem(node_id, path + error.path[1:], "segment_rules", error.message)
        for error in rules_errors(rules, context=context.rules)
    ]
