"""The workspace's audit log: who did what, when and from where, for owners and admins."""

from __future__ import annotations

from collections.abc import Iterator
from zoneinfo import ZoneInfo

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from oa_console import audit
from oa_console.audit.display import actor_text, detail_lines, target_text
from oa_console.audit.forms import AuditFilterForm
from oa_console.audit.selectors import (
    AuditFilters,
    audit_actor_labels,
    audit_default_zone,
    audit_entry_list,
)
from oa_console.csv_download import csv_streaming_response
from oa_console.permissions import require
from oa_console.roles import Capability
from oa_console.selectors import account_list
from oa_console.views._render import render_page

ENTRIES_PER_PAGE = 50
CSV_HEADER = [
    "time",
    "actor",
    "action",
    "action_label",
    "oa",
    "target_type",
    "target",
    "address",
    "browser",
    "details",
]


def _form(request: HttpRequest) -> AuditFilterForm:
    """Always bound (every field is optional); the zone defaults to the workspace's."""
    zone = audit_default_zone()
    data = request.GET.copy()
    data.setdefault("tz", zone)
    return AuditFilterForm(
        data, actors=audit_actor_labels(), accounts=list(account_list()), zone=zone
    )


@require_GET
def audit_log(request: HttpRequest, workspace_slug: str) -> HttpResponse:
    require(request, Capability.VIEW_AUDIT_LOG)
    form = _form(request)
    zone = form.chosen_zone()
    entries = audit_entry_list(filters=form.filters())
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "entry": entry,
            "actor": actor_text(entry),
            "target": target_text(entry),
            "details": detail_lines(entry.details, zone),
        }
        for entry in page
    ]
    return render_page(
        request,
        "oa_console/settings/audit_log.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "zone": zone,
            "query": request.GET.urlencode(),
            "filtered": bool(request.GET.dict().keys() - {"page", "tz"}),
            "settings_tab": "audit",
        },
        partials=["audit-results"],
    )


def _csv_rows(entries, zone: str) -> Iterator[list]:
    tz = ZoneInfo(zone)
    for entry in entries.iterator(chunk_size=2000):
        yield [
            entry.created_at.astimezone(tz),
            actor_text(entry),
            entry.action,
            entry.get_action_display(),
            entry.account_label,
            entry.target_type,
            entry.target_label,
            entry.ip_address or "",
            entry.user_agent,
            "; ".join(f"{label}: {value}" for label, value in detail_lines(entry.details, zone)),
        ]


@require_GET
def audit_log_export(request: HttpRequest, workspace_slug: str) -> StreamingHttpResponse:
    """Exactly the entries the page lists with the same query, streamed; the download is
    itself an entry (after the file's last moment, so the file matches the page)."""
    require(request, Capability.VIEW_AUDIT_LOG)
    form = _form(request)
    zone = form.chosen_zone()
    filters = form.filters()
    now = timezone.now()
    until = min(filters.until, now) if filters.until else now
    entries = audit_entry_list(
        filters=AuditFilters(
            action=filters.action,
            actor=filters.actor,
            account_id=filters.account_id,
            since=filters.since,
            until=until,
        )
    )
    audit.record_export(
        request,
        export="audit_log",
        details={"filters": _filter_summary(form)},
    )
    filename = f"audit-log-{request.workspace.slug}-{timezone.localdate(now, ZoneInfo(zone))}.csv"
    return csv_streaming_response(CSV_HEADER, _csv_rows(entries, zone), filename=filename)


def _filter_summary(form: AuditFilterForm) -> str:
    data = form.cleaned_data
    labels = {name: str(field.label) for name, field in form.fields.items()}
    parts = []
    for name in ("action", "actor", "account", "since", "until"):
        value = data.get(name)
        if value in (None, ""):
            continue
        if name in ("action", "actor", "account"):
            value = dict(form.fields[name].choices).get(
                str(value) if name == "account" else value, value
            )
        parts.append(f"{labels[name]}={value}")
    return ", ".join(parts)
