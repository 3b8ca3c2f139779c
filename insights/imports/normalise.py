"""Turning one chunk of raw CSV cells into canonical rows, vectorised with pandas.

Each chunk becomes a frame of ``row`` (the spreadsheet row number: the header is row 1),
``key`` (what makes the row unique within its report), ``date`` and ``values`` (a JSON object
string) plus a list of row errors. Everything is done column-wise because a reward-card history
can have a million rows; the fallback regex parsing only runs for cells the fast path rejected.

Meaning kept straight: running totals are stored as given (daily differences are computed on
read); dates are the export's own dates, which are JST for LINE data, and are never shifted.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from insights.imports.detection import GUARD_NAMES
from insights.imports.parsing import ImportFileError
from insights.imports.reports.spec import NUMERIC_KINDS, Kind, ReportSpec

# What LINE and OA Manager write for a figure hidden below the privacy threshold.
HIDDEN_TOKENS = {"", "-", "\u2014", "\u2013", "\u2010", "\u2212", "<20", "< 20", "n/a"}
DATE_FORMATS = ("%Y%m%d", "%Y-%m-%d", "%Y/%m/%d")
DATETIME_FORMATS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y%m%d %H:%M:%S",
    "%Y%m%d",
    "%Y-%m-%d",
    "%Y/%m/%d",
)
_DATE_RE = r"^(\d{4})(?:(\d{2})(\d{2})|[-/.](\d{1,2})[-/.](\d{1,2}))"
_TIME_RE = r"(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$"


@dataclass
class ChunkContext:
    spec: ReportSpec
    mapping: dict[str, str]  # file column -> field
    key_fields: tuple[str, ...]
    default_as_of: date
    latest_date: date  # later dates are "in the future"
    account_ids: dict[str, str]  # guard field -> this OA's value (blank: unknown)
    chat: str = ""
    seq_counters: dict[str, int] = field(default_factory=dict)


@dataclass
class NormalisedChunk:
    frame: pd.DataFrame  # row, key, date (ISO or ""), values (JSON)
    errors: list[dict]
    rejected_rows: int


def choose_key(spec: ReportSpec, mapped: set[str]) -> tuple[str, ...]:
    """The first key alternative the file can fill (``as_of`` defaults to the upload date)."""
    for key in spec.keys:
        if spec.partial_key or all(
            name in mapped or name in ("as_of", "chat", "seq") for name in key
        ):
            return key
    return spec.keys[-1]


def _is_ascii(series: pd.Series) -> bool:
    return "".join(series.tolist()).isascii()


def _clean(series: pd.Series) -> pd.Series:
    """Stripped cells; NFKC (full-width digits, signs) only when some cell is not ASCII, because
    normalising a million ASCII cells is one of the slowest steps of a large import."""
    series = series.astype(str)
    if not _is_ascii(series):
        series = series.str.normalize("NFKC")
    return series.str.strip()


def _parse_numbers(raw: pd.Series, kind: Kind) -> tuple[np.ndarray, pd.Series]:
    """(values with NaN for hidden, error code per cell or '')."""
    text = _clean(raw)
    hidden = text.str.lower().isin(HIDDEN_TOKENS)
    cleaned = text.str.replace(r"[,\s'_]", "", regex=True)
    has_percent = cleaned.str.endswith("%")
    if kind in (Kind.PERCENT, Kind.DECIMAL):
        cleaned = cleaned.str.rstrip("%")
    numbers = pd.to_numeric(cleaned.where(~hidden, None), errors="coerce").to_numpy(dtype="float64")
    codes = pd.Series("", index=raw.index, dtype=object)
    bad = ~hidden.to_numpy() & np.isnan(numbers)
    codes[bad] = "not_a_number"
    if kind == Kind.COUNT:
        codes[(~bad) & has_percent.to_numpy()] = "not_a_number"
    if kind in (Kind.COUNT, Kind.SIGNED):
        fractional = ~np.isnan(numbers) & (np.mod(numbers, 1) != 0)
        codes[fractional & (codes == "").to_numpy()] = "not_a_whole_number"
    if kind == Kind.COUNT:
        codes[(numbers < 0) & (codes == "").to_numpy()] = "negative"
    if kind == Kind.PERCENT:
        codes[((numbers < 0) | (numbers > 100)) & (codes == "").to_numpy()] = "percent_range"
    return numbers, codes


def _fallback_datetimes(text: pd.Series, with_time: bool) -> pd.Series:
    pattern = _DATE_RE + (_TIME_RE if with_time else "$")
    parts = text.str.extract(pattern)
    year = parts[0]
    month = parts[1].fillna(parts[3])
    day = parts[2].fillna(parts[4])
    frame = pd.DataFrame({"year": year, "month": month, "day": day})
    if with_time:
        frame["hour"], frame["minute"], frame["second"] = parts[5], parts[6], parts[7]
        frame[["hour", "minute", "second"]] = frame[["hour", "minute", "second"]].fillna("0")
    frame = frame.apply(pd.to_numeric, errors="coerce")
    return pd.to_datetime(frame, errors="coerce")


def _parse_datetimes(raw: pd.Series, kind: Kind) -> tuple[pd.Series, pd.Series]:
    text = _clean(raw)
    formats = DATE_FORMATS if kind == Kind.DATE else DATETIME_FORMATS
    sample = next((v for v in text if v), "")
    parsed = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    for fmt in formats:
        try:
            pd.to_datetime(sample, format=fmt)
        except (ValueError, TypeError):
            continue
        parsed = pd.to_datetime(text, format=fmt, errors="coerce")
        break
    retry = parsed.isna() & (text != "")
    if retry.any():
        parsed[retry] = _fallback_datetimes(text[retry], with_time=kind != Kind.DATE)
    codes = pd.Series("", index=raw.index, dtype=object)
    codes[parsed.isna() & (text != "")] = "not_a_date" if kind == Kind.DATE else "not_a_datetime"
    return parsed, codes


def _parse_times(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = _clean(raw)
    parts = text.str.extract(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
    hours = pd.to_numeric(parts[0], errors="coerce")
    minutes = pd.to_numeric(parts[1], errors="coerce")
    seconds = pd.to_numeric(parts[2].fillna("0"), errors="coerce")
    ok = hours.between(0, 23) & minutes.between(0, 59) & seconds.between(0, 59)
    delta = pd.to_timedelta(hours * 3600 + minutes * 60 + seconds, unit="s").where(ok)
    codes = pd.Series("", index=raw.index, dtype=object)
    codes[~ok & (text != "")] = "not_a_time"
    return delta, codes


_NEEDS_JSON_ESCAPE = re.compile(r'[\x00-\x1f"\\]')


def _json_text(series: pd.Series) -> np.ndarray:
    """JSON strings for text cells; each distinct value is encoded once, and when no value
    needs escaping (ids, names) quoting is a vectorised concatenation."""
    codes, uniques = pd.factorize(series, sort=False)
    values = pd.Series(uniques, dtype=object).astype(str)
    if _NEEDS_JSON_ESCAPE.search("".join(values.tolist())):
        encoded = [json.dumps(v, ensure_ascii=False) for v in values]
    else:
        encoded = ('"' + values + '"').tolist()
    return np.array([*encoded, "null"], dtype=object)[codes]


def _json_numbers(numbers: np.ndarray, kind: Kind) -> np.ndarray:
    nan = np.isnan(numbers)
    if kind in (Kind.COUNT, Kind.SIGNED):
        text = np.where(nan, 0, numbers).astype("int64").astype(str).astype(object)
    else:
        text = np.array([repr(float(v)) for v in np.where(nan, 0, numbers)], dtype=object)
    text[nan] = "null"
    return text


def _iso(values: pd.Series, unit: str) -> np.ndarray:
    array = values.to_numpy(dtype="datetime64[ns]").astype(f"datetime64[{unit}]")
    text = np.datetime_as_string(array, unit=unit).astype(object)
    text[np.isnat(array)] = ""
    return text


def _guard(ctx: ChunkContext, name: str, raw: pd.Series) -> None:
    expected = ctx.account_ids.get(name, "")
    if not expected:
        return
    seen = {v for v in _clean(raw).unique() if v}
    normalise = (lambda v: v.lower().lstrip("@")) if name == "basic_id" else (lambda v: v)
    foreign = sorted(v for v in seen if normalise(v) != normalise(expected))
    if foreign:
        raise ImportFileError("wrong_account", value=foreign[0], expected=expected)


def normalise_chunk(chunk: pd.DataFrame, *, first_row: int, ctx: ChunkContext) -> NormalisedChunk:
    spec = ctx.spec
    n = len(chunk)
    rows = np.arange(first_row, first_row + n)
    codes_by_column: list[tuple[str, pd.Series, pd.Series]] = []
    fragments: dict[str, np.ndarray] = {}
    key_parts: dict[str, np.ndarray] = {}
    parsed_dates: dict[str, pd.Series] = {}
    for column, name in ctx.mapping.items():
        raw = chunk[column]
        if name in GUARD_NAMES:
            _guard(ctx, name, raw)
            continue
        kind = spec.get(name).kind
        if kind in NUMERIC_KINDS:
            numbers, codes = _parse_numbers(raw, kind)
            fragments[name] = _json_numbers(numbers, kind)
            key_parts[name] = np.where(np.isnan(numbers), "", fragments[name]).astype(object)
        elif kind in (Kind.DATE, Kind.DATETIME):
            parsed, codes = _parse_datetimes(raw, kind)
            iso = _iso(parsed, "s" if kind == Kind.DATETIME else "D")
            parsed_dates[name] = parsed
            future = (parsed.dt.normalize() > pd.Timestamp(ctx.latest_date)).to_numpy()
            codes = codes.where(~future | (codes != ""), "future_date")
            fragments[name] = np.where(iso == "", "null", '"' + iso + '"').astype(object)
            key_parts[name] = iso
        elif kind == Kind.TIME:
            delta, codes = _parse_times(raw)
            parsed_dates[name] = delta
        else:
            text = raw.astype(str).str.strip()
            fragments[name] = np.where(text == "", "null", _json_text(text)).astype(object)
            key_parts[name] = text.to_numpy(dtype=object)
            codes = pd.Series("", index=raw.index, dtype=object)
        if spec.get(name).required and kind not in NUMERIC_KINDS:
            # A hidden figure may stand in a required count; a date or an id may not be blank.
            blank = (text if kind == Kind.TEXT else raw.astype(str).str.strip()) == ""
            codes = codes.where(~blank, "missing")
        codes_by_column.append((column, raw, codes))

    if spec.type == "chat_history":
        _combine_chat(ctx, chunk, fragments, key_parts, parsed_dates, codes_by_column)

    errors: list[dict] = []
    bad = np.zeros(n, dtype=bool)
    for column, raw, codes in codes_by_column:
        mask = (codes != "").to_numpy()
        if not mask.any():
            continue
        bad |= mask
        for i in np.flatnonzero(mask):
            error = {
                "row": int(rows[i]),
                "column": column,
                "code": codes.iat[i],
                "value": str(raw.iat[i])[:80],
            }
            if ctx.chat:
                error["file"] = ctx.chat
            errors.append(error)

    as_of = ctx.default_as_of.isoformat()
    if "as_of" in ctx.mapping.values():
        as_of_parts = key_parts["as_of"]
    else:
        as_of_parts = np.full(n, as_of, dtype=object)
        if spec.snapshot or "as_of" in ctx.key_fields:
            fragments.setdefault("as_of", np.full(n, f'"{as_of}"', dtype=object))
    key_parts.setdefault("as_of", as_of_parts)

    key = None
    for name in ctx.key_fields:
        part = key_parts.get(name, np.full(n, "", dtype=object))
        key = part if key is None else key + "|" + part
    date_source = spec.date_field if spec.date_field in key_parts else "as_of"
    dates = (
        np.array([v[:10] for v in key_parts[date_source]], dtype=object)
        if n
        else np.array([], dtype=object)
    )

    ordered = [f.name for f in spec.fields if f.name in fragments] + [
        name for name in fragments if name not in spec.field_index
    ]
    values = None
    for position, name in enumerate(ordered):
        piece = ("{" if position == 0 else ",") + json.dumps(name) + ":" + fragments[name]
        values = piece if values is None else values + piece
    values = (values + "}") if values is not None else np.full(n, "{}", dtype=object)

    frame = pd.DataFrame({"row": rows, "key": key, "date": dates, "values": values})
    frame = frame[~bad]
    return NormalisedChunk(frame=frame, errors=errors, rejected_rows=int(bad.sum()))


def _combine_chat(ctx, chunk, fragments, key_parts, parsed_dates, codes_by_column) -> None:
    """A chat backup gives the date and the time in two columns; join them and number messages
    sent in the same minute so that each keeps its own key."""
    n = len(chunk)
    day = parsed_dates.get("sent_date")
    delta = parsed_dates.get("sent_time")
    if day is None or delta is None:
        return
    sent_at = day + delta.fillna(pd.Timedelta(0))
    iso = _iso(sent_at, "s")
    counters = ctx.seq_counters
    seq = np.empty(n, dtype=object)
    for i, stamp in enumerate(iso):
        counters[stamp] = counters.get(stamp, -1) + 1
        seq[i] = str(counters[stamp])
    fragments.pop("sent_date", None)
    fragments["chat"] = np.full(n, json.dumps(ctx.chat, ensure_ascii=False), dtype=object)
    fragments["sent_at"] = np.where(iso == "", "null", '"' + iso + '"').astype(object)
    key_parts["chat"] = np.full(n, ctx.chat, dtype=object)
    key_parts["sent_time"] = np.array([v[11:] for v in iso], dtype=object)
    key_parts["seq"] = seq
