"""Subscribers of the activity log, registered by each app in its ``AppConfig.ready()``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from oa_console.activity.models import Activity
    from oa_console.models import LineAccount

Handler = Callable[[Sequence["Activity"]], None]
FROM_BEGINNING = "beginning"
FROM_NOW = "now"


@dataclass(frozen=True)
class Subscriber:
    """``handler`` gets the subscriber's next activities (the kinds it asked for, oldest
    first) inside the transaction that advances its cursor; it must be idempotent, since an
    activity is redelivered when that transaction fails."""

    name: str
    kinds: frozenset[str]
    handler: Handler
    start: str = FROM_NOW


_subscribers: dict[str, Subscriber] = {}


def per_account(
    activities: Sequence[Activity], react: Callable[[LineAccount, list[Activity]], None]
) -> None:
    """Call ``react`` with each OA's part of a handler's batch, inside that OA's tenant scope:
    the log is one for all tenants, a reaction belongs to one."""
    from oa_console.models import LineAccount
    from oa_console.tenancy import tenant_scope

    grouped: dict[int, list[Activity]] = {}
    for activity in activities:
        grouped.setdefault(activity.account_id, []).append(activity)
    accounts = LineAccount.unscoped.select_related("workspace").in_bulk(list(grouped))
    for pk, rows in grouped.items():
        account = accounts.get(pk)
        if account is None:
            continue  # the OA was deleted; its activities went with it
        with tenant_scope(workspace=account.workspace, account=account):
            react(account, rows)


def register(name: str, kinds: Iterable[str], handler: Handler, *, start: str = FROM_NOW) -> None:
    """Subscribe ``handler`` to ``kinds``. ``start`` says where a subscriber seen for the
    first time begins: ``"now"`` (only new activity) or ``"beginning"`` (replay the log).
    Registering a name again replaces it (``ready()`` can run twice in tests)."""
    if start not in (FROM_BEGINNING, FROM_NOW):
        raise ValueError(f"start must be {FROM_BEGINNING!r} or {FROM_NOW!r}")
    _subscribers[name] = Subscriber(name=name, kinds=frozenset(kinds), handler=handler, start=start)


def unregister(name: str) -> None:
    _subscribers.pop(name, None)


def subscribers() -> list[Subscriber]:
    return list(_subscribers.values())


def subscriber(name: str) -> Subscriber:
    return _subscribers[name]
