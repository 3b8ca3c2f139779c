"""The URL of a journeys page in an OA (the rows its tests show: ``tests/journeys/journey_rows.py``)."""

from __future__ import annotations

from django.urls import reverse


def url(name, account, *args):
    return reverse(name, args=[account.workspace.slug, account.slug, *args])
