"""Writes for saved segments: create, update (rename, new rules), duplicate, delete.

Rules are validated against the OA before they are saved, so a saved segment always compiled at
the time it was saved; a later change (a deleted tag) is reported when it is evaluated.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from oa_console import audit
from oa_console.models import AuditAction, LineAccount, User
from segments.models import Segment
from segments.rules.validation import RuleContext, rules_validate

NAME_MAX = 120


def _conditions(rules: object) -> int:
    """How many conditions a rule tree holds: what the audit log says about rules (the tree
    itself is unreadable there)."""
    if isinstance(rules, dict):
        own = 1 if "field" in rules else 0
        return own + sum(_conditions(value) for value in rules.values())
    if isinstance(rules, list):
        return sum(_conditions(value) for value in rules)
    return 0


def _check_name(*, account: LineAccount, name: str, exclude_pk: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Give the segment a name.")]})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": [_("At most %(n)s characters.") % {"n": NAME_MAX}]})
    clash = Segment.objects.for_account(account).filter(name=name)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": [_("A segment with this name already exists.")]})
    return name


@transaction.atomic
def segment_create(
    *,
    account: LineAccount,
    name: str,
    rules: dict,
    description: str = "",
    created_by: User | None = None,
    request: HttpRequest | None = None,
) -> Segment:
    """Raises ``ValidationError`` for the name, ``RulesInvalid`` (with JSON paths) for rules."""
    name = _check_name(account=account, name=name)
    rules_validate(rules, context=RuleContext.for_account(account))
    segment = Segment.objects.for_account(account).create(
        account=account, name=name, rules=rules, description=description, created_by=created_by
    )
    audit.record_on_object(
        AuditAction.SEGMENT_CREATED,
        segment,
        request=request,
        acting_user=created_by,
        details={"conditions": _conditions(rules)},
    )
    return segment


@transaction.atomic
def segment_update(
    *,
    segment: Segment,
    name: str | None = None,
    rules: dict | None = None,
    description: str | None = None,
    request: HttpRequest | None = None,
) -> Segment:
    before = {"name": segment.name, "description": segment.description}
    rules_before = segment.rules
    if name is not None:
        segment.name = _check_name(account=segment.account, name=name, exclude_pk=segment.pk)
    if rules is not None:
        rules_validate(rules, context=RuleContext.for_account(segment.account))
        segment.rules = rules
    if description is not None:
        segment.description = description
    segment.save()
    details: dict = {}
    changed = audit.changes(before, {"name": segment.name, "description": segment.description})
    if changed:
        details["changed"] = changed
    if segment.rules != rules_before:
        details["conditions"] = _conditions(segment.rules)
    if details:  # saving unchanged is not an edit
        audit.record_on_object(
            AuditAction.SEGMENT_EDITED, segment, request=request, details=details
        )
    return segment


@transaction.atomic
def segment_duplicate(
    *, segment: Segment, created_by: User | None = None, request: HttpRequest | None = None
) -> Segment:
    """A copy named "<name> (copy)", "<name> (copy 2)", ... whichever is free."""
    base = _("%(name)s (copy)") % {"name": segment.name}
    segments = Segment.objects.for_account(segment.account)
    taken = set(
        segments.filter(name__startswith=base[: NAME_MAX - 4]).values_list("name", flat=True)
    )
    name, number = base[:NAME_MAX], 2
    while name in taken:
        suffix = _("(copy %(n)s)") % {"n": number}
        name = f"{segment.name[: NAME_MAX - len(suffix) - 1]} {suffix}"
        number += 1
    copy = segments.create(
        account_id=segment.account_id,
        name=name,
        rules=segment.rules,
        description=segment.description,
        created_by=created_by,
    )
    audit.record_on_object(
        AuditAction.SEGMENT_CREATED,
        copy,
        request=request,
        acting_user=created_by,
        details={"conditions": _conditions(copy.rules), "copy_of": segment.name},
    )
    return copy


@transaction.atomic
def segment_delete(*, segment: Segment, request: HttpRequest | None = None) -> None:
    audit.record_on_object(
        AuditAction.SEGMENT_DELETED,
        segment,
        request=request,
        details={"conditions": _conditions(segment.rules)},
    )
    segment.delete()
