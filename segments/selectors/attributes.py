"""Reads of first-party attributes: the OA's attribute definitions."""

from __future__ import annotations

from django.db.models import QuerySet

from oa_console.models import LineAccount
from segments.models import AttributeDefinition


def attribute_definition_list(*, account: LineAccount) -> QuerySet[AttributeDefinition]:
    return AttributeDefinition.objects.for_account(account).order_by("label", "pk")
