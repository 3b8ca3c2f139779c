"""Writes for saved segments: create, update (rename, new rules), duplicate, delete.

Rules are validated against the OA before they are saved, so a saved segment always compiled at
the time it was saved; a later change (a deleted tag) is reported when it is evaluated.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from oa_console.models import LineAccount, User
from segments.models import Segment
from segments.rules.validation import RuleContext, rules_validate

NAME_MAX = 120


def _check_name(*, account_id: int, name: str, exclude_pk: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("Give the segment a name.")]})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": [_("At most %(n)s characters.") % {"n": NAME_MAX}]})
    clash = Segment.unscoped.filter(account_id=account_id, name=name)
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
) -> Segment:
    """Raises ``ValidationError`` for the name, ``RulesInvalid`` (with JSON paths) for rules."""
    name = _check_name(account_id=account.pk, name=name)
    rules_validate(rules, context=RuleContext.for_account(account))
    return Segment.unscoped.create(
        account=account, name=name, rules=rules, description=description, created_by=created_by
    )


@transaction.atomic
def segment_update(
    *,
    segment: Segment,
    name: str | None = None,
    rules: dict | None = None,
    description: str | None = None,
) -> Segment:
    if name is not None:
        segment.name = _check_name(account_id=segment.account_id, name=name, exclude_pk=segment.pk)
    if rules is not None:
        rules_validate(rules, context=RuleContext.for_account(segment.account))
        segment.rules = rules
    if description is not None:
        segment.description = description
    segment.save()
    return segment


@transaction.atomic
def segment_duplicate(*, segment: Segment, created_by: User | None = None) -> Segment:
    """A copy named "<name> (copy)", "<name> (copy 2)", ... whichever is free."""
    base = _("%(name)s (copy)") % {"name": segment.name}
    taken = set(
        Segment.unscoped.filter(
            account_id=segment.account_id, name__startswith=base[: NAME_MAX - 4]
        ).values_list("name", flat=True)
    )
    name, number = base[:NAME_MAX], 2
    while name in taken:
        suffix = _("(copy %(n)s)") % {"n": number}
        name = f"{segment.name[: NAME_MAX - len(suffix) - 1]} {suffix}"
        number += 1
    return Segment.unscoped.create(
        account_id=segment.account_id,
        name=name,
        rules=segment.rules,
        description=segment.description,
        created_by=created_by,
    )


@transaction.atomic
def segment_delete(*, segment: Segment) -> None:
    segment.delete()
