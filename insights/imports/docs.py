"""docs/imports.md, generated from the report catalogue so the documentation cannot drift.

``manage.py imports_doc`` rewrites the file; tests/insights/imports/test_docs.py fails when it is stale.
"""

from __future__ import annotations

from django.utils import translation

from insights.imports.kinds import InsightReportKind, all_kinds
from insights.imports.reports import REPORTS
from insights.imports.reports.spec import GUARD_FIELDS, KIND_HELP

INTRO = """\
# Imports

OA → **Imports** takes the CSV exports of LINE Official Account Manager (and the zip of a chat
history backup), and the brand's own **member data** and **orders**, and stores them per OA.
Every type goes through the same pipeline: the upload is stored, a Celery worker reads it in
chunks (progress shown on the page), checks every row, and saves the file in one transaction;
the summary lists the counts and the first problems by row and column. The same is available
through the API: `POST /api/v1/accounts/<id>/imports/` (multipart `file`, optional `report`,
`skip_bad_rows`), `GET /api/v1/accounts/<id>/imports/<job_id>/` (status, progress, counts,
errors; `needs_mapping` when the columns need the mapping step, answered with `GET` (the
file's columns and the suggested type and mapping) and `POST` `{"report", "mapping": {column:
field}, "options"?, "remember"?}` on `…/imports/<job_id>/mapping/`, checked like the page) and
`GET /api/v1/accounts/<id>/insights/<report>/?from=YYYY-MM-DD&to=YYYY-MM-DD`.

Import types are registered in `insights/imports/kinds.py` (`ImportKind`: which columns a type
knows, whether it may run without a confirmed mapping, how a chunk of cells becomes staged rows
and what saving them means); the segments app registers member data and orders.

*This file is generated from `insights/imports/reports/` and the registered import types by
`manage.py imports_doc`.*

## What a file may look like

- **Encodings**: UTF-8 with or without BOM, UTF-16 (with or without BOM), Shift_JIS (cp932) and
  Big5 (cp950). The encoding is guessed from the file: the candidate whose header matches the
  most known column names wins; for an OA in `Asia/Taipei` Big5 is tried before Shift_JIS.
- **Delimiters**: comma, tab or semicolon (whichever the header line uses most).
- **Header**: the first line that looks like a known header within the first 30 lines, so the
  preamble of a chat backup is skipped. Column names are matched case-, space-, underscore- and
  width-insensitively (`Target reaches` = `targetReaches` = `TARGET_REACHES`, full-width letters too).
- **Dates**: `YYYYMMDD`, `YYYY-MM-DD`, `YYYY/MM/DD` (month and day may have one digit); date and
  time `YYYY/MM/DD HH:MM[:SS]` (also with `-` or `T`).
- **Numbers**: thousands separators (`12,345`, `12 345`), full-width digits; counts must be whole
  and not negative. **Percentages** with or without `%`, between 0 and 100.
- **Hidden values**: LINE hides figures below its privacy threshold; `-`, an empty cell and
  `<20` are stored as *hidden* (JSON `null`, listed in `hidden` by the API), never as 0.
- **Limits**: 100 MB per file (`INSIGHT_IMPORT_MAX_BYTES`), 300 MB unpacked for a zip
  (`INSIGHT_IMPORT_MAX_UNZIPPED_BYTES`). Zip members are streamed, never unpacked whole; a zip
  bomb is refused while it inflates: its declared and actual size, a member unpacking to more
  than 100 times its packed size (`INSIGHT_IMPORT_MAX_ZIP_RATIO`), more than 10,000 members
  (`INSIGHT_IMPORT_MAX_ZIP_MEMBERS`) or an archive inside the zip.

## What the figures mean

- Friends files hold **running totals** (friends, target reach, blocked users) and are stored as
  given; daily adds and blocks are derived on read as differences of consecutive days.
- Dates are the export's own dates, which are **JST** for LINE data, whatever the OA's time
  zone; they are never shifted. Snapshot reports (demographics, reward-card usage and point
  distribution, coupons without dates) are keyed by an `as of` column when the file has one,
  otherwise by the upload day in JST.
- CSV and Insight API figures for the same day are both kept with their source (`csv` / `api`);
  the API value is preferred for display.

## Never wrong, never half-done

- A file is imported in **one transaction**. Any rejected row stops the file and the first 50
  problems are reported with row number (the header is row 1, as a spreadsheet shows it), column
  and reason, e.g. `row 1,203, column blocks: “abc” is not a number`. Nothing of that file is kept.
- **Skip bad rows** imports the rest and offers the skipped rows (row, column, value, problem) as
  a CSV download. A line with more cells than the header is not a bad row but a broken file: it
  stops the import, naming the line, with or without this option.
- Rows are **idempotent** per report and key: a re-import counts rows as *inserted*, *updated*
  (the newest import wins) or *unchanged*. **Deleting** an import removes its rows and brings
  back what the newest earlier import said for the same keys.
- A key repeated inside one file (e.g. a duplicated date) is rejected: “the same date already
  appears in row 2”. Dates in the future (JST) are rejected. Unknown columns are ignored and
  listed in the summary.
- **Wrong OA guard**: when a file has a basic ID, bot user ID or channel ID column (below), every
  value must be this OA's; otherwise the whole file is refused.
- A file whose header is not recognised goes to the **column-mapping step**: choose the report
  and map each column to a field (with a preview of the first rows). The confirmed mapping is
  remembered for this OA and used for the next file with the same header.

## Value kinds
"""


def render() -> str:
    with translation.override("en"):
        lines = [INTRO]
        for kind, help_text in KIND_HELP.items():
            lines.append(f"- `{kind}`: {help_text}")
        lines.append("\n## Reports and their columns\n")
        lines.append(
            "Required columns are marked **required**. Aliases are compared after normalisation "
            "(see above); the canonical name itself is always accepted.\n"
        )
        guard_names = {f.name for f in GUARD_FIELDS}
        for spec in REPORTS.values():
            lines.append(f"### {spec.label} (`{spec.type}`)\n")
            lines.append(f"{spec.description}\n")
            keys = " or ".join(" + ".join(f"`{k}`" for k in key) for key in spec.keys)
            lines.append(f"Row key: {keys}.{' Snapshot report.' if spec.snapshot else ''}\n")
            for group in spec.required_any:
                names = ", ".join(f"`{name}`" for name in group)
                lines.append(f"At least one of {names} is **required**.\n")
            lines.append("| Column | Kind | Meaning | Aliases |")
            lines.append("|---|---|---|---|")
            for f in spec.fields:
                if f.name in guard_names:
                    continue
                required = " **required**" if f.required else ""
                aliases = ", ".join(f"`{a}`" for a in f.aliases)
                lines.append(f"| `{f.name}`{required} | {f.kind} | {f.label} | {aliases} |")
            lines.append("")
        lines.append("### OA guard columns (any report)\n")
        lines.append("| Column | Meaning | Aliases |")
        lines.append("|---|---|---|")
        for f in GUARD_FIELDS:
            aliases = ", ".join(f"`{a}`" for a in f.aliases)
            lines.append(f"| `{f.name}` | {f.label} | {aliases} |")
        lines.append("")
        for kind in all_kinds():
            if not isinstance(kind, InsightReportKind):
                lines.append(kind.doc())
        lines.append(SYNC_SECTION)
    return "\n".join(lines)


SYNC_SECTION = """\
## Insight API sync

Hourly (Celery beat `sweep-insight-sync`) and on “Sync now” (OA settings), each OA asks LINE's
Insight API for what it does not have yet, newest days first, at most 60 requests per hour per
channel (the shared limiter in `oa_console/line/limiter.py`; a spent budget re-enqueues the task for
when the window reopens):

| Endpoint | Stored as | Notes |
|---|---|---|
| `GET /v2/bot/insight/followers?date=` | `friends` (source `api`) | 365 days back on first connect; `followers` → `contacts`, `targetedReaches` → `target_reaches`, `blocks` |
| `GET /v2/bot/insight/message/delivery?date=` | `message_deliveries` | same backfill |
| `GET /v2/bot/insight/demographic` | `demographics` | once a day; “not offered” below 20 targeted friends |
| `GET /v2/bot/insight/message/event?requestId=` | `broadcasts` keyed by request id | the OA's broadcast/narrowcast request ids of the last 14 days, refreshed daily |

`status: unready` leaves the day missing and retries in an hour; `out_of_service` is stored as
`{"status": "out_of_service"}` and not asked again; 429 waits for `Retry-After`; 5xx and timeouts
are retried with backoff and the last outcome of each endpoint is shown on the OA settings page.
"""
