"""The catalogue of OA Manager Insight reports (one module per report family): canonical columns,
their kinds and header aliases.

LINE publishes no column reference for these exports and localises the headers to the manager's
language, so every canonical field lists the labels seen (or shown on OA Manager's screens) in
English, Japanese, Traditional Chinese and Thai. docs/imports.md is generated from the same
catalogue's content; keep both in step (tests/insights/imports/test_docs.py checks it).

Headers are compared after ``normalise_header``: Unicode NFKC, lower case, and spaces,
underscores, hyphens, dots, slashes and brackets removed, so ``Target reaches``,
``targetReaches`` and ``TARGET_REACHES`` are the same label.
"""

from __future__ import annotations

from dataclasses import replace

from insights.imports.reports import broadcasts, chats, coupons, friends, profile, reward_cards
from insights.imports.reports.spec import GUARD_FIELDS, ReportSpec, ReportType, normalise_header

REPORTS: dict[ReportType, ReportSpec] = {}


def _register(spec: ReportSpec) -> None:
    REPORTS[spec.type] = replace(spec, fields=(*spec.fields, *GUARD_FIELDS))


_BY_TYPE = {
    spec.type: spec
    for family in (friends, broadcasts, chats, coupons, reward_cards, profile)
    for spec in family.SPECS
}
# The catalogue's order is the order of the Imports page's type list and of docs/imports.md.
for _type in (
    ReportType.FRIENDS,
    ReportType.DEMOGRAPHICS,
    ReportType.BROADCASTS,
    ReportType.CHATS,
    ReportType.COUPONS,
    ReportType.REWARD_CARD_USAGE,
    ReportType.REWARD_CARD_POINTS,
    ReportType.REWARD_CARD_HISTORY,
    ReportType.PROFILE_VIEWS,
    ReportType.VOOM_POSTS,
    ReportType.CHAT_HISTORY,
    ReportType.MESSAGE_DELIVERIES,
):
    _register(_BY_TYPE[_type])

REPORT_CHOICES = [(spec.type.value, spec.label) for spec in REPORTS.values()]


def report_spec(report: str) -> ReportSpec:
    return REPORTS[ReportType(report)]


def alias_index(spec: ReportSpec) -> dict[str, str]:
    """Normalised label -> canonical field name for one report (the field name is an alias too)."""
    index: dict[str, str] = {}
    for f in spec.fields:
        for label in (f.name, *f.aliases):
            index.setdefault(normalise_header(label), f.name)
    return index


ALIAS_INDEX: dict[ReportType, dict[str, str]] = {t: alias_index(s) for t, s in REPORTS.items()}
# Labels of every import type; other apps' types add theirs when registered (kinds.py).
KNOWN_LABELS: set[str] = {k for index in ALIAS_INDEX.values() for k in index}
