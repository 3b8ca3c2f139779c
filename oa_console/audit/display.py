"""How an audit entry reads: its actor, and its details as translated "label: value" lines.

Details are stored as codes and plain values (``{"role": "admin"}``), never as text in the
language of whoever acted, so every reader sees them in their own language. The core knows its
own keys; an app whose actions carry its own codes (a broadcast's audience, an import's report
type) registers how to read them in its ``AppConfig.ready()`` (``register_detail``), the way
lower layers learn what higher ones know.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oa_console.audit.record import SYSTEM_ACTOR
from oa_console.formatting import zoned
from oa_console.models import AuditEntry
from oa_console.roles import Role

ValueLabel = Callable[[Any], str]


@dataclass(frozen=True)
class DetailKey:
    label: Promise | str
    value: ValueLabel | None = None


def _choices(choices: list[tuple[str, Any]]) -> ValueLabel:
    labels = dict(choices)
    return lambda value: str(labels.get(value, value))


def _oas(value: Any) -> str:
    """An "only these OAs" limit; none means the member sees every OA."""
    return ", ".join(value) if value else _("All OAs")


def _bytes(value: Any) -> str:
    return str(filesizeformat(value))


SECRET_NAMES = {
    "channel_secret": gettext_lazy("Channel secret"),
    "access_token": gettext_lazy("Channel access token"),
}
EXPORTS = {
    "friends": gettext_lazy("Friends list (CSV)"),
    "segment_members": gettext_lazy("Segment members (CSV)"),
    "skipped_rows": gettext_lazy("Skipped rows of an import (CSV)"),
    "unknown_ids": gettext_lazy("Unknown ids of an import (CSV)"),
    "audit_log": gettext_lazy("Audit log (CSV)"),
}

DETAILS: dict[str, DetailKey] = {
    "role": DetailKey(gettext_lazy("Role"), _choices(Role.choices)),
    "oas": DetailKey(gettext_lazy("OAs"), _oas),
    "display_name": DetailKey(gettext_lazy("Display name")),
    "basic_id": DetailKey(gettext_lazy("Basic ID")),
    "channel_id": DetailKey(gettext_lazy("Channel ID")),
    "bot_user_id": DetailKey(gettext_lazy("Bot user ID")),
    "time_zone": DetailKey(gettext_lazy("Time zone")),
    "replaced": DetailKey(
        gettext_lazy("Replaced"),
        lambda value: ", ".join(str(SECRET_NAMES.get(name, name)) for name in value),
    ),
    "size_bytes": DetailKey(gettext_lazy("Size"), _bytes),
    "rows": DetailKey(gettext_lazy("Rows")),
    "name": DetailKey(gettext_lazy("Name")),
    "description": DetailKey(gettext_lazy("Description")),
    "conditions": DetailKey(gettext_lazy("Conditions")),
    "copy_of": DetailKey(gettext_lazy("Copy of")),
    "segment": DetailKey(gettext_lazy("Segment")),
    "comment": DetailKey(gettext_lazy("Comment")),
    "recipients": DetailKey(gettext_lazy("Recipients")),
    "accepted": DetailKey(gettext_lazy("Accepted by LINE")),
    "failed": DetailKey(gettext_lazy("Failed")),
    "error": DetailKey(gettext_lazy("Error")),
    "export": DetailKey(gettext_lazy("Download"), lambda value: str(EXPORTS.get(value, value))),
    "filters": DetailKey(gettext_lazy("Filters")),
}


def register_detail(key: str, label: Promise | str, value: ValueLabel | None = None) -> None:
    """Teach the audit log to read a detail key (and its coded values) of an app's actions."""
    DETAILS[key] = DetailKey(label, value)


def _plain(value: Any) -> str:
    if value is None or value == "":
        return "—"  # an export without filters, a field that was empty
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int | float):
        return number_format(value, use_l10n=True, force_grouping=True)
    if isinstance(value, list):
        return ", ".join(_plain(item) for item in value) or "—"
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_plain(item)}" for key, item in value.items())
    return str(value)


def _key_label(key: str) -> str:
    known = DETAILS.get(key)
    return str(known.label) if known else key.replace("_", " ").capitalize()


def _value(key: str, value: Any, zone: str | None) -> str:
    known = DETAILS.get(key)
    if known is not None and known.value is not None and value not in (None, ""):
        try:
            return known.value(value)
        except (TypeError, ValueError):
            return _plain(value)
    if isinstance(value, str) and key.endswith("_at"):
        try:
            return zoned(datetime.fromisoformat(value), zone)
        except ValueError:
            return value
    return _plain(value)


def detail_lines(details: dict[str, Any], zone: str | None = None) -> list[tuple[str, str]]:
    """``[(label, value)]`` in the reader's language; a ``changed`` entry becomes one line per
    field, "old → new"."""
    lines = []
    for key, value in (details or {}).items():
        if key == "changed" and isinstance(value, dict):
            for field, pair in value.items():
                old, new = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
                lines.append(
                    (
                        _key_label(field),
                        f"{_value(field, old, zone)} → {_value(field, new, zone)}",
                    )
                )
        else:
            lines.append((_key_label(key), _value(key, value, zone)))
    return lines


def actor_text(entry: AuditEntry) -> str:
    """Who acted: an e-mail address, an API key's name, or the console itself."""
    if entry.actor_label == SYSTEM_ACTOR:
        return _("System")
    return entry.actor_label or _("Someone signed out")


def target_text(entry: AuditEntry) -> str:
    return entry.target_label or "—"
