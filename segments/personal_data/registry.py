"""The providers of personal data: each app says what it holds about a friend and how to erase it.

A provider's ``export`` returns sections (a titled list of flat records), its ``erase`` the
number of rows it removed or anonymised per section key. Both receive a ``Subject``: the friend
and, during an erasure, the pseudonym that replaces their LINE user id everywhere (one per
erasure, so counts of distinct users stay what they were).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from oa_console.models import LineAccount


@dataclass(frozen=True)
class Subject:
    """Whom a request is about, as the friend was when the request started."""

    account: LineAccount
    friend: Any  # segments.models.Friend (typed loosely: this module is imported by models' users)
    line_user_id: str
    display_name: str
    pseudonym: str = ""
    erased_at: datetime | None = None


@dataclass
class Section:
    """One kind of data about the friend: a stable key, a title for people, and its records
    (flat dicts of JSON values, one per row)."""

    key: str
    title: str
    records: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class PersonalDataProvider:
    """What one app holds about a friend. ``order``: erasures run in ascending order; the
    friend row itself (segments) goes last, since others look rows up by the friend."""

    app: str
    export: Callable[[Subject], list[Section]]
    erase: Callable[[Subject], dict[str, int]]
    order: int = 50


_PROVIDERS: dict[str, PersonalDataProvider] = {}


def register_provider(provider: PersonalDataProvider) -> None:
    """Register (or replace, on a second ``ready()``) the provider of one app."""
    _PROVIDERS[provider.app] = provider


def providers() -> list[PersonalDataProvider]:
    return sorted(_PROVIDERS.values(), key=lambda p: (p.order, p.app))
