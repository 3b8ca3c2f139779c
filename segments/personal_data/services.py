"""Export and erase one friend's personal data, across every registered provider, audited."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from oa_console import audit
from oa_console.models import AuditAction, LineAccount, User
from segments.models import Friend, FriendErasure
from segments.personal_data.registry import Section, Subject, providers
from segments.personal_data.tombstone import subject_hash

FORMAT_VERSION = 1


class AlreadyErased(Exception):
    """The friend's data was erased before: there is nothing left to export or erase."""


def _subject(account: LineAccount, friend: Friend, **extra: Any) -> Subject:
    return Subject(
        account=account,
        friend=friend,
        line_user_id=friend.line_user_id,
        display_name=friend.display_name,
        **extra,
    )


def short_hash(*, account: LineAccount, line_user_id: str) -> str:
    """The short tombstone hash the audit log names the friend by (export and erasure alike,
    so a data-protection officer can match the two without the log holding the person)."""
    return subject_hash(account_id=account.pk, line_user_id=line_user_id)[:12]


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value


def friend_personal_data_collect(*, account: LineAccount, friend: Friend) -> dict[str, Any]:
    """Everything the console holds about the friend, as one JSON-ready document (no audit:
    see ``friend_personal_data_export``)."""
    if friend.erased_at is not None:
        raise AlreadyErased
    subject = _subject(account, friend)
    sections: list[Section] = []
    for provider in providers():
        sections.extend(provider.export(subject))
    return {
        "format_version": FORMAT_VERSION,
        "generated_at": timezone.now().isoformat(),
        "official_account": {
            "name": account.display_name,
            "basic_id": account.basic_id,
            "workspace": account.workspace.name,
        },
        "line_user_id": friend.line_user_id,
        "sections": [
            {
                "key": section.key,
                "title": section.title,
                "count": len(section.records),
                "records": [_json_value(record) for record in section.records],
            }
            for section in sections
        ],
    }


@transaction.atomic
def friend_personal_data_export(
    *, account: LineAccount, friend: Friend, file_format: str, request: HttpRequest | None
) -> dict[str, Any]:
    """The document, with its audit entry (written in the same transaction as the read)."""
    document = friend_personal_data_collect(account=account, friend=friend)
    audit.record(
        AuditAction.FRIEND_EXPORTED,
        workspace=account.workspace,
        request=request,
        account=account,
        target_label=short_hash(account=account, line_user_id=friend.line_user_id),
        details={
            "format": file_format,
            "sections": {s["key"]: s["count"] for s in document["sections"] if s["count"]},
        },
    )
    return document


def _pseudonym() -> str:
    """33 characters like a LINE user id, never one (LINE's start with U, C or R)."""
    return "erased-" + secrets.token_hex(13)


@transaction.atomic
def friend_erase(
    *, account: LineAccount, friend: Friend, request: HttpRequest | None
) -> FriendErasure:
    """Erase the friend's personal data in every app, in one transaction.

    What identifies the person is deleted or replaced by a pseudonym; rows the dashboards
    count stay, anonymous, so their totals do not change. A tombstone (salted hash) records
    the erasure. Raises ``AlreadyErased`` for a friend erased before (a second request, or two
    admins at once: the row is locked first).
    """
    friend = Friend.objects.for_account(account).select_for_update().get(pk=friend.pk)
    if friend.erased_at is not None:
        raise AlreadyErased
    now = timezone.now()
    subject = _subject(account, friend, pseudonym=_pseudonym(), erased_at=now)
    summary: dict[str, int] = {}
    for provider in providers():
        for key, count in provider.erase(subject).items():
            if count:
                summary[f"{provider.app}.{key}"] = count
    user = getattr(request, "user", None)
    erasure = FriendErasure.objects.for_account(account).create(
        account=account,
        subject_hash=subject_hash(account_id=account.pk, line_user_id=subject.line_user_id),
        erased_at=now,
        erased_by=user if isinstance(user, User) else None,
        summary=summary,
    )
    audit.record(
        AuditAction.FRIEND_ERASED,
        workspace=account.workspace,
        request=request,
        account=account,
        target_label=erasure.short_hash,
        details={"rows": summary},
    )
    return erasure
