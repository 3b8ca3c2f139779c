"""Every CSV download of the console is written by oa_console.csv_download (issue 14, defect 6).

The tag-coverage, webhook-events, skipped-rows and unknown-ids downloads wrote a friend's or an
upload's text as it came, so ``=HYPERLINK(...)`` ran as a formula in a spreadsheet. Here:

1. only ``oa_console/csv_download.py`` writes ``text/csv`` (and ``csv.writer`` elsewhere is
   listed: a stored report, demo uploads), so no download can bypass it;
2. every function of the apps that returns a download through it is found in the source, and
   must be reached by one of the downloads this test requests: a new CSV view that this test
   does not cover fails it;
3. each download is requested with formulas planted in every column the test can reach
   (friend names, tag family names, event types, link URLs, skipped rows, unknown ids); every
   such cell comes out neutralised, and numbers the console writes (counts, negative deltas)
   stay numbers.
"""

from __future__ import annotations

import ast
import csv
import inspect
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from insights.metrics.broadcasts import broadcast_key
from insights.metrics.rollups import metrics_recompute
from insights.sync import broadcasts as sync_broadcasts
from insights.sync.passes import insight_sync_run
from oa_console import csv_download
from segments.models import Segment, Tag, TagFamily
from tests.conftest import client_for
from tests.fakes.line_server import fake_line  # noqa: F401  (fixture)
from tests.insights.conftest import upload_file
from tests.insights.sync.test_broadcast_details import REQUEST_ID, insight, message_event  # noqa: F401
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db

PAYLOADS = ['=HYPERLINK("http://x")', "+1", "-1+1", "@SUM(1)", "\tleading tab"]
APPS = (
    "oa_console",
    "segments",
    "broadcasts",
    "webhooks",
    "insights",
    "journeys",
    "inbox",
    "liff_forms",
    "richmenus",
)
RESPONSE_FUNCTIONS = {"csv_response", "csv_streaming_response", "stored_csv_streaming_response"}
# csv.writer outside csv_download: files that are not downloads.
RAW_WRITERS = {
    "insights/imports/run.py",  # stored reports, re-written by their download
    "insights/demo/files.py",  # demo uploads fed to the importer
    "insights/personal_data.py",  # an erasure rewrites the stored reports without the friend
}
NUMBER = re.compile(r"^-?\d+(\.\d+)?(e[+-]?\d+)?$")


def _sources():
    root = Path(settings.BASE_DIR)
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            if "/migrations/" not in relative:
                yield relative, path.read_text(encoding="utf-8")


def test_only_the_one_writer_writes_csv_responses():
    for relative, source in _sources():
        if relative == "oa_console/csv_download.py":
            continue
        # An OpenAPI declaration of a CSV answer is no writer.
        source = re.sub(r'\(\d{3}, "text/csv"\)', "", source)
        assert "text/csv" not in source, f"{relative}: use oa_console.csv_download"
        if relative not in RAW_WRITERS:
            assert "csv.writer" not in source, f"{relative}: use oa_console.csv_download"


def download_call_sites() -> set[tuple[str, str]]:
    """(module, function) of every function of the apps that calls a response function of
    oa_console.csv_download: each is a CSV download (or the helper of one)."""
    found = set()
    for relative, source in _sources():
        if relative == "oa_console/csv_download.py":
            continue
        module = relative.removesuffix(".py").replace("/", ".")
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.FunctionDef):
                continue
            for call in ast.walk(node):
                if isinstance(call, ast.Call):
                    name = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
                    if name in RESPONSE_FUNCTIONS:
                        found.add((module, node.name))
    return found


@pytest.fixture
def reached(monkeypatch) -> set[tuple[str, str]]:
    """The (module, function) frames on the stack whenever a CSV file is written."""
    seen: set[tuple[str, str]] = set()
    original = csv_download.csv_lines

    def spy(header, rows):
        for frame in inspect.stack()[1:]:
            seen.add((frame.frame.f_globals.get("__name__", ""), frame.function))
        return original(header, rows)

    monkeypatch.setattr(csv_download, "csv_lines", spy)
    return seen


def _read(response) -> list[list[str]]:
    assert response.status_code == 200, response
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment")
    content = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode("utf-8")
    assert content.startswith(csv_download.BOM)
    return list(csv.reader(io.StringIO(content.removeprefix(csv_download.BOM))))


def _check(rows: list[list[str]], *, planted: list[str]) -> None:
    """No cell starts like a formula unless it is a number; each planted text is neutralised."""
    cells = [cell for row in rows for cell in row]
    for cell in cells:
        if cell.startswith(csv_download.FORMULA_START):
            assert NUMBER.match(cell), f"formula cell written: {cell!r}"
    for payload in planted:
        assert "'" + payload in cells, f"{payload!r} did not reach the file: {rows}"


@pytest.fixture
def oa(account, scope):
    """The OA with a formula in every friend text column and tag family name."""
    for payload in PAYLOADS:
        FriendFactory(
            account=account, display_name=payload, region=payload[:32], member_tier=payload
        )
    for payload in PAYLOADS:
        family = TagFamily.unscoped.create(account=account, name=payload, coverage_goal=50)
        Tag.unscoped.create(account=account, name=payload, family=family)
    return account


def _url(account, name: str, **kwargs) -> str:
    return reverse(
        name,
        kwargs={"workspace_slug": account.workspace.slug, "account_slug": account.slug, **kwargs},
    )


def test_every_csv_download_neutralises_formulas(oa, owner, insight, reached):  # noqa: F811
    client = client_for(owner)
    account = oa

    friends = _read(client.get(_url(account, "friend_export")))
    _check(friends, planted=PAYLOADS)
    segment = Segment.unscoped.create(account=account, name="Everyone", rules={"all": []})
    members = _read(client.get(_url(account, "segment_export", segment_id=segment.pk)))
    _check(members, planted=PAYLOADS)

    # Tag coverage: the families' names label the lines.
    _check(
        _read(client.get(_url(account, "tag_list"), {"download": "coverage.csv"})),
        planted=PAYLOADS,
    )

    # Webhook events: the event type comes from the payload LINE (or anyone) posted.
    from tests.webhooks.factories import stored_event

    for payload in PAYLOADS:
        event = stored_event(account)
        type(event).unscoped.filter(pk=event.pk).update(
            event_type=payload, occurred_at=timezone.now()
        )
    webhook = _read(client.get(_url(account, "webhook_health"), {"download": "csv"}))
    _check(webhook, planted=PAYLOADS)

    # An import: skipped rows hold the uploaded text; the friends chart has a negative delta.
    # ("+1" is a number to the importer, so a bad row gets "+A1" instead.)
    bad_values = [payload if payload != "+1" else "+A1" for payload in PAYLOADS]
    upload = "date,contacts,blocks\n20250101,1000,5\n20250102,990,5\n" + "".join(
        f'20250103,"{value.replace(chr(34), chr(34) * 2)}",5\n' for value in bad_values
    )
    job = upload_file(account, upload, skip_bad_rows=True)
    metrics_recompute(account=account)
    skipped = _read(client.get(_url(account, "import_job_skipped", job_id=job.pk)))
    _check(skipped, planted=bad_values)
    # Unknown ids (a member file's ids that matched no friend), stored as the importer does.
    raw = io.StringIO()
    raw_writer = csv.writer(raw)
    raw_writer.writerow(["row", "member_id"])
    raw_writer.writerows([[n + 2, payload] for n, payload in enumerate(PAYLOADS)])
    job.unknown_file.save("unknown.csv", ContentFile(raw.getvalue().encode("utf-8-sig")))
    unknown = _read(client.get(_url(account, "import_job_unknown_ids", job_id=job.pk)))
    _check(unknown, planted=PAYLOADS)
    assert unknown[1][0] == "2"  # the row number stays a number

    for name in ("account_insights", "insights_friends"):
        growth = _read(
            client.get(
                _url(account, name),
                {"format": "csv", "chart": "growth", "from": "2025-01-01", "to": "2025-01-03"},
            )
        )
        _check(growth, planted=[])
        assert "-10" in [cell for row in growth for cell in row], growth  # a negative delta

    # A broadcast's links come from LINE's statistics.
    sync_broadcasts.broadcast_request_register(
        account=account, request_id=REQUEST_ID, sent_at=timezone.now()
    )
    event = message_event()
    for click, payload in zip(event["clicks"], PAYLOADS, strict=False):
        click["url"] = payload
    insight.message_events[REQUEST_ID] = event
    insight_sync_run(account_id=account.pk)
    detail = _url(account, "insights_broadcast_detail", broadcast_key=broadcast_key(REQUEST_ID))
    for chart in ("funnel", "bubbles", "urls"):
        table = _read(client.get(detail, {"format": "csv", "chart": chart}))
        _check(table, planted=[])
    # Numbered ("1. <url>"), so a URL never starts a cell; it still reaches the file.
    assert ["1. " + PAYLOADS[0], "clicks"] == table[1][:2]

    # A friend's personal data: their own texts, as the friend wrote or LINE sent them.
    from segments.models import Friend

    friend = Friend.unscoped.filter(account=account, display_name=PAYLOADS[0]).get()
    personal = _read(
        client.get(_url(account, "friend_personal_data_csv", line_user_id=friend.line_user_id))
    )
    _check(personal, planted=[PAYLOADS[0]])

    # The audit log: labels come from names people typed (an OA, a segment, an upload).
    from oa_console import audit
    from oa_console.models import AuditAction

    for payload in PAYLOADS:
        audit.record(
            AuditAction.SEGMENT_CREATED,
            workspace=account.workspace,
            actor=owner,
            account=account,
            target_label=payload,
        )
    log = _read(
        client.get(reverse("audit_log_export", kwargs={"workspace_slug": account.workspace.slug}))
    )
    _check(log, planted=PAYLOADS)

    # A journey's funnel: each send step's label is what the marketer typed.
    from journeys.models import Journey
    from journeys.starters import STARTERS

    graph = STARTERS["cart_abandonment"].graph()
    graph["nodes"]["reminder"]["label"] = PAYLOADS[0]
    journey = Journey.unscoped.create(account=account, name=PAYLOADS[1], draft_graph=graph)
    funnel = _read(
        client.get(
            _url(account, "journey_detail", journey_id=journey.pk), {"download": "funnel.csv"}
        )
    )
    _check(funnel, planted=[PAYLOADS[0]])

    # The Chats page's figures from the console's own chats: dates, hours and counts only.
    for chart in ("inbox-answers", "inbox-response-times", "inbox-busiest-hours"):
        table = _read(
            client.get(_url(account, "insights_chats"), {"format": "csv", "chart": chart})
        )
        _check(table, planted=[])
        assert len(table) >= 1, chart

    # A form's answers (what friends typed) and its option labels (what the marketer typed).
    from liff_forms.models import Question
    from tests.liff_forms.helpers import answer as form_answer
    from tests.liff_forms.helpers import build_form

    form = build_form(account)
    drink = Question.unscoped.get(form=form, label="Drink")
    drink.options = [{"label": PAYLOADS[0], "tag_id": None}, {"label": "Tea", "tag_id": None}]
    drink.save()
    for number, payload in enumerate(PAYLOADS):
        form_answer(form, f"U{number:032x}", Drink="0", Newsletter="on", Favourite=payload)
    form_url = _url(account, "form_detail", form_id=form.pk)
    # (An answer is stored without its surrounding blanks, so the tab does not reach the file.)
    answers = _read(client.get(_url(account, "form_answers_csv", form_id=form.pk)))
    _check(answers, planted=[p for p in PAYLOADS if not p.startswith("\t")])
    _check(
        _read(client.get(form_url, {"download": f"question-{drink.pk}.csv"})),
        planted=[PAYLOADS[0]],
    )
    _check(_read(client.get(form_url, {"download": "answers-per-day.csv"})), planted=[])

    # Rich menu taps per day: the menu's name is what the marketer typed.
    from richmenus.models import RichMenu, RichMenuTap

    menu = RichMenu.unscoped.create(
        account=account,
        name=PAYLOADS[0],
        chat_bar_text="Menu",
        status=RichMenu.Status.PUBLISHED,
        line_rich_menu_id="richmenu-csv1",
    )
    RichMenuTap.unscoped.create(account=account, menu=menu, kind="link", tapped_at=timezone.now())
    taps = _read(client.get(_url(account, "rich_menu_taps"), {"download": "taps.csv"}))
    _check(taps, planted=[PAYLOADS[0]])

    missing = download_call_sites() - reached
    assert not missing, f"CSV downloads this test does not request: {sorted(missing)}"
    assert len(download_call_sites()) >= 7
