"""Writes for custom attribute definitions (the typed first-party fields of an OA's friends).

The member import creates definitions from its columns; the API creates, relabels and deletes
them. A definition's key and type never change: segments address ``attribute.<key>`` and its
values are stored in the column of its type, so a new type is a new attribute.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from oa_console.models import LineAccount
from segments.models import AttributeDefinition

KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@transaction.atomic
def attribute_definition_create(
    *, account: LineAccount, key: str, label: str, type: str
) -> AttributeDefinition:
    key, label = key.strip(), label.strip()
    errors: dict[str, list[str]] = {}
    if not KEY.match(key):
        errors["key"] = [
            _("Lower-case letters, digits and underscores, starting with a letter (at most 40).")
        ]
    elif AttributeDefinition.objects.for_account(account).filter(key=key).exists():
        errors["key"] = [_("This key is already used in this OA.")]
    if not label:
        errors["label"] = [_("Give the attribute a label.")]
    if type not in AttributeDefinition.Type.values:
        errors["type"] = [_("Choose text, number, date or boolean.")]
    if errors:
        raise ValidationError(errors)
    return AttributeDefinition.objects.for_account(account).create(
        account=account, key=key, label=label, type=type
    )


@transaction.atomic
def attribute_definition_update(
    *, definition: AttributeDefinition, label: str
) -> AttributeDefinition:
    label = label.strip()
    if not label:
        raise ValidationError({"label": [_("Give the attribute a label.")]})
    definition.label = label
    definition.save(update_fields=["label"])
    return definition


@transaction.atomic
def attribute_definition_delete(*, definition: AttributeDefinition) -> None:
    """Deletes every friend's value too; segments using it then answer 400 (unknown attribute)."""
    definition.delete()
