"""The typed attribute definitions a member data mapping names: read, checked, created."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from insights.imports.parsing import ImportFileError
from segments.models import AttributeDefinition

if TYPE_CHECKING:
    pass

from insights.imports.members.columns import ATTRIBUTE


def attribute_definitions(account) -> dict[str, AttributeDefinition]:
    return {d.key: d for d in AttributeDefinition.objects.for_account(account)}


def attribute_definitions_ensure(account, targets) -> dict[str, AttributeDefinition]:
    """The definitions the mapping names, created when new. A definition made with another type
    since the mapping was confirmed stops the file (its values would be read wrongly)."""
    definitions = attribute_definitions(account)
    for target in targets:
        match = ATTRIBUTE.match(target)
        if not match:
            continue
        kind, key = match.groups()
        existing = definitions.get(key)
        if existing is None:
            definitions[key] = AttributeDefinition.objects.for_account(account).create(
                account=account, key=key, label=key.replace("_", " ").capitalize()[:80], type=kind
            )
        elif existing.type != kind:
            raise ImportFileError("attribute_type", key=key, type=existing.get_type_display())
    return definitions


def check_new_attributes(account, mapping: dict[str, str]) -> None:
    """The confirmation's check: a column may not give an existing attribute another type."""
    definitions = attribute_definitions(account)
    for header, target in mapping.items():
        match = ATTRIBUTE.match(target)
        if match and match.group(2) in definitions:
            definition = definitions[match.group(2)]
            if definition.type != match.group(1):
                raise ValidationError(
                    _("Column “%(column)s”: the attribute “%(key)s” already exists as %(type)s.")
                    % {
                        "column": header,
                        "key": definition.key,
                        "type": definition.get_type_display(),
                    }
                )
