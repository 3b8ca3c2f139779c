"""What the API tests share: a client acting as a user, and the URL of an operation in an OA."""

from __future__ import annotations

from django.db.models import Model
from django.urls import reverse
from rest_framework.test import APIClient


def api(user) -> APIClient:
    """An API client signed in as ``user`` (a session, as the console's own pages call it)."""
    client = APIClient()
    client.force_authenticate(user)
    return client


def account_url(account, name: str, **objects: Model | int | None) -> str:
    """The URL ``name`` under the OA; each of ``objects`` (an object or its id; None: not in
    this URL) fills the URL's ``<key>_id``, as ``broadcast=`` fills ``broadcast_id``."""
    kwargs = {"account_id": account.pk}
    for key, value in objects.items():
        if value is not None:
            kwargs[f"{key}_id"] = value if isinstance(value, int) else value.pk
    return reverse(name, kwargs=kwargs)
