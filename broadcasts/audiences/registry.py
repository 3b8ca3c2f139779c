"""The audience kinds by their stored value (``Broadcast.audience_kind``)."""

from __future__ import annotations

from collections.abc import Iterable

from broadcasts.audiences.base import Audience

_AUDIENCES: dict[str, Audience] = {}


def register(audience: Audience) -> None:
    _AUDIENCES[str(audience.kind)] = audience


def audience_for(kind: str) -> Audience:
    """The audience of a stored or chosen kind (KeyError for an unknown one: validate first
    with ``is_known``)."""
    return _AUDIENCES[str(kind)]


def is_known(kind: object) -> bool:
    return isinstance(kind, str) and kind in _AUDIENCES


def all_audiences() -> list[Audience]:
    return list(_AUDIENCES.values())


def for_api_keys(keys: Iterable[str]) -> Audience | None:
    """The kind whose API audience object has exactly these keys."""
    wanted = frozenset(keys)
    return next((a for a in _AUDIENCES.values() if a.api_keys == wanted), None)


def chooses_each_recipient(kind: object) -> bool:
    """Whether the (possibly unvalidated) kind lets the console choose each recipient: A/B
    variants, a holdout and ``{displayName}`` need it."""
    return is_known(kind) and audience_for(kind).chooses_each_recipient
