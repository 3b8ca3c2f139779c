"""LINE demographic filters as a marketer chooses them: age band, gender, phone, areas and
friendship period, instead of typing LINE's filter JSON.

The choices are read from LINE's own schema (``messaging-api.yml``), so the areas offered are
exactly the codes LINE accepts. ``filter_from_choices`` builds the filter object (one condition,
or an ``and`` of several); ``choices_from_filter`` reads a stored filter back into the choices
when it has that shape, and answers None for anything else (``or`` / ``not`` operators, written
as JSON), which the composer then keeps as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cache

from django.utils.translation import gettext as _

from oa_console import labels as line_labels
from oa_console.line.messages import schema_component

GENDERS = [(code, line_labels.GENDERS[code]) for code in ("male", "female")]
APP_TYPES = [(code, line_labels.APP_TYPES[code]) for code in ("ios", "android")]
PERIOD_LABELS = line_labels.PERIODS


def _enum(component: str) -> list[str]:
    return list(schema_component(component)["enum"])


@cache
def age_values() -> list[str]:
    return _enum("AgeDemographic")


@cache
def period_values() -> list[str]:
    return _enum("SubscriptionPeriodDemographic")


def age_choices() -> list[tuple[str, str]]:
    return [(value, value.removeprefix("age_")) for value in age_values()]


def period_choices() -> list[tuple[str, str]]:
    return [(value, str(PERIOD_LABELS.get(value, value))) for value in period_values()]


def _area_names() -> dict[str, str]:
    """Area code → place name in the active language, for every code of LINE's schema
    (``oa_console.labels`` names them; a code LINE adds before it does reads "Japan, area 48")."""
    return {code: line_labels.area_label(code) for code in _area_codes()}


@cache
def _area_codes() -> list[str]:
    return _enum("AreaDemographic")


def area_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Areas grouped by country, in LINE's order, for a grouped select."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, name in _area_names().items():
        groups.setdefault(code.split("_", 1)[0], []).append((code, name))
    return [
        (str(line_labels.COUNTRIES.get(prefix, prefix)), areas) for prefix, areas in groups.items()
    ]


@dataclass
class DemographicChoices:
    """What the composer's demographic inputs hold; empty means "any"."""

    age_from: str = ""
    age_to: str = ""
    genders: list[str] = field(default_factory=list)
    app_types: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    period_from: str = ""
    period_to: str = ""

    @classmethod
    def from_inputs(cls, data: dict) -> DemographicChoices:
        """The choices in the composer's ``demo_<name>`` inputs (missing or empty: any)."""
        empty = cls()
        return cls(
            **{f.name: data.get(f"demo_{f.name}") or getattr(empty, f.name) for f in fields(cls)}
        )

    def inputs(self) -> dict:
        """The composer's ``demo_<name>`` inputs for these choices."""
        return {f"demo_{f.name}": getattr(self, f.name) for f in fields(self)}

    def errors(self) -> dict[str, str]:
        """Input name → why the choices cannot become a filter."""
        errors = {}
        ages, periods = age_values(), period_values()
        if self.age_from and self.age_to and ages.index(self.age_from) >= ages.index(self.age_to):
            errors["demo_age_to"] = _("The upper age must be above the lower one.")
        if (
            self.period_from
            and self.period_to
            and periods.index(self.period_from) >= periods.index(self.period_to)
        ):
            errors["demo_period_to"] = _("The longest friendship must be above the shortest.")
        return errors


def _range(kind: str, low: str, high: str) -> dict | None:
    if not low and not high:
        return None
    condition: dict = {"type": kind}
    if low:
        condition["gte"] = low
    if high:
        condition["lt"] = high
    return condition


def _one_of(kind: str, chosen: list[str], every: list[str]) -> dict | None:
    # Choosing every value (both genders, both phones) filters nothing: leave it out.
    if not chosen or set(chosen) >= set(every):
        return None
    return {"type": kind, "oneOf": [value for value in every if value in chosen]}


def filter_from_choices(choices: DemographicChoices) -> dict | None:
    """LINE's filter for the choices, or None when they filter nothing."""
    conditions = [
        condition
        for condition in (
            _range("age", choices.age_from, choices.age_to),
            _one_of("gender", choices.genders, [value for value, _label in GENDERS]),
            _one_of("appType", choices.app_types, [value for value, _label in APP_TYPES]),
            _one_of("area", choices.areas, _area_codes()),
            _range("subscriptionPeriod", choices.period_from, choices.period_to),
        )
        if condition
    ]
    if not conditions:
        return None
    return conditions[0] if len(conditions) == 1 else {"type": "operator", "and": conditions}


_RANGE_KINDS = {"age": ("age_from", "age_to"), "subscriptionPeriod": ("period_from", "period_to")}
_LIST_KINDS = {"gender": "genders", "appType": "app_types", "area": "areas"}


def choices_from_filter(demographic) -> DemographicChoices | None:
    """The choices a filter was built from, or None when the choices cannot express it."""
    if not isinstance(demographic, dict):
        return None
    if demographic.get("type") == "operator":
        if set(demographic) != {"type", "and"} or not isinstance(demographic["and"], list):
            return None
        conditions = demographic["and"]
    else:
        conditions = [demographic]
    choices, seen = DemographicChoices(), set()
    for condition in conditions:
        kind = condition.get("type") if isinstance(condition, dict) else None
        if kind in seen:
            return None  # two age ranges and the like: only JSON says that
        seen.add(kind)
        if kind in _RANGE_KINDS and set(condition) <= {"type", "gte", "lt"}:
            low, high = _RANGE_KINDS[kind]
            setattr(choices, low, condition.get("gte", ""))
            setattr(choices, high, condition.get("lt", ""))
        elif kind in _LIST_KINDS and set(condition) == {"type", "oneOf"}:
            setattr(choices, _LIST_KINDS[kind], list(condition["oneOf"]))
        else:
            return None
    return choices if filter_from_choices(choices) == demographic else None


def _range_words(low: str, high: str, *, both: str, low_only: str, high_only: str) -> str:
    if low and high:
        return both % {"low": low, "high": high}
    if low:
        return low_only % {"low": low}
    return high_only % {"high": high} if high else ""


def describe(demographic) -> str:
    """A sentence for people ("Age 20 to under 40 · Female · Tokyo, Osaka"), or "" when the filter
    has another shape (the page then shows its JSON)."""
    choices = choices_from_filter(demographic)
    if choices is None:
        return ""
    ages = _range_words(
        choices.age_from.removeprefix("age_"),
        choices.age_to.removeprefix("age_"),
        both=_("Age %(low)s to under %(high)s"),
        low_only=_("Age %(low)s and over"),
        high_only=_("Under %(high)s"),
    )
    labels = dict(GENDERS) | dict(APP_TYPES)
    parts = [
        ", ".join(str(labels[v]) for v in values)
        for values in (choices.genders, choices.app_types)
        if values
    ]
    if choices.areas:
        parts.append(", ".join(line_labels.area_label(code) for code in choices.areas))
    periods = _range_words(
        str(PERIOD_LABELS.get(choices.period_from, "")),
        str(PERIOD_LABELS.get(choices.period_to, "")),
        both=_("Friends for %(low)s to under %(high)s"),
        low_only=_("Friends for %(low)s or more"),
        high_only=_("Friends for under %(high)s"),
    )
    parts = [part for part in (ages, *parts, periods) if part]
    return " · ".join(parts)
