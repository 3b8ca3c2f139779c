"""Which report a header belongs to, and which file column feeds which canonical field."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from insights.imports.reports import ALIAS_INDEX, REPORTS, report_spec
from insights.imports.reports.spec import GUARD_FIELDS, ReportSpec, ReportType, normalise_header

GUARD_NAMES = {f.name for f in GUARD_FIELDS}


@dataclass
class Detection:
    report: str
    mapping: dict[str, str]  # file column -> canonical field
    ignored: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing


def header_signature(headers: list[str]) -> str:
    """Identifies a header independent of case, spacing and full-width characters."""
    joined = "\x1f".join(normalise_header(h) for h in headers)
    return hashlib.sha256(joined.encode()).hexdigest()


def map_headers(headers: list[str], report: str) -> Detection:
    """Map each column to a field of ``report`` by alias; the first column naming a field wins."""
    return map_spec_headers(headers, report_spec(report), ALIAS_INDEX[ReportType(report)])


def map_spec_headers(headers: list[str], spec: ReportSpec, index: dict[str, str]) -> Detection:
    """``map_headers`` for any field list (another app's import type)."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    ignored: list[str] = []
    for header in headers:
        name = index.get(normalise_header(header))
        if name is None or name in used:
            ignored.append(header)
            continue
        mapping[header] = name
        used.add(name)
    missing = spec.missing(used)
    return Detection(report=str(spec.type), mapping=mapping, ignored=ignored, missing=missing)


def detect(headers: list[str]) -> Detection | None:
    """The report whose required fields all appear and which explains the most columns."""
    best: tuple[tuple[int, int], Detection] | None = None
    for order, report in enumerate(REPORTS):
        detection = map_headers(headers, report)
        if not detection.complete:
            continue
        matched = sum(1 for name in detection.mapping.values() if name not in GUARD_NAMES)
        score = (matched, -order)
        if best is None or score > best[0]:
            best = (score, detection)
    return best[1] if best else None


def apply_mapping(headers: list[str], report: str, mapping: dict[str, str]) -> Detection:
    """A user-confirmed (or remembered) mapping, checked against the report's fields."""
    return apply_spec_mapping(headers, report_spec(report), mapping)


def apply_spec_mapping(headers: list[str], spec: ReportSpec, mapping: dict[str, str]) -> Detection:
    """``apply_mapping`` for any field list."""
    valid = {f.name for f in spec.fields}
    clean: dict[str, str] = {}
    used: set[str] = set()
    for header in headers:
        name = mapping.get(header, "")
        if name in valid and name not in used:
            clean[header] = name
            used.add(name)
    ignored = [h for h in headers if h not in clean]
    missing = spec.missing(used)
    return Detection(report=str(spec.type), mapping=clean, ignored=ignored, missing=missing)
