"""Subscribers of the activity log, registered by each app in its ``AppConfig.ready()``.

A subscriber's name is a database key: its cursor row (``SubscriberCursor.subscriber``)
records how far it has read the log under that name. The name must therefore be stable,
chosen once as a constant next to the handler (``SUBSCRIBER = "insights.metrics"``), and
never derived from a module path or a function name (``__name__``, ``__qualname__``): moving
or renaming the handler's code would otherwise start a new cursor, which replays the whole
log (``FROM_BEGINNING``) or skips what happened meanwhile (``FROM_NOW``). A name is never
reused by another subscriber, and a deployed one is not renamed: ``segments.services.tag_rules``
names the auto-tag rules' handler in ``segments.tag_rule_reactions`` since the code moved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from oa_console.models import LineAccount


class ActivityRow(NamedTuple):
    """One activity as a handler receives it: the columns of its ``Activity`` row, read-only.

    The drain reads the log once for every subscriber of a pass, as plain values: building
    model instances cost more than the read itself. Handlers read the attributes an
    ``Activity`` has (``pk``, ``kind``, ``payload``, ...) and never change them, since the
    same rows go to every subscriber of the pass.
    """

    id: int
    account_id: int
    kind: str
    friend_id: int | None
    line_user_id: str
    occurred_at: datetime
    payload: dict
    txid: int
    created_at: datetime

    @property
    def pk(self) -> int:
        return self.id


Handler = Callable[[Sequence[ActivityRow]], None]
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
    # A friend waits on its reaction (an auto-reply is due within a second of the webhook):
    # each drain gives it passes of its own, committed before the other subscribers' (see
    # ``draining._lanes``).
    ahead: bool = False


_subscribers: dict[str, Subscriber] = {}
# SubscriberCursor.subscriber's max_length (the models cannot be imported before the apps load).
_NAME_MAX_LENGTH = 100


# The OAs ``per_account`` loaded during the current drain pass (see ``accounts_per_pass``).
_pass_accounts: ContextVar[dict[int, LineAccount | None] | None] = ContextVar(
    "activity_pass_accounts", default=None
)


@contextmanager
def accounts_per_pass() -> Iterator[None]:
    """Inside one drain pass, ``per_account`` loads each OA once for all the subscribers
    instead of once per subscriber (an OA row with its workspace and decrypted credentials).
    The subscribers share the instance: a handler reads its OA and never changes it."""
    token = _pass_accounts.set({})
    try:
        yield
    finally:
        _pass_accounts.reset(token)


def per_account(
    activities: Sequence[ActivityRow], react: Callable[[LineAccount, list[ActivityRow]], None]
) -> None:
    """Call ``react`` with each OA's part of a handler's batch, inside that OA's tenant scope:
    the log is one for all tenants, a reaction belongs to one."""
    from oa_console.models import LineAccount
    from oa_console.tenancy import tenant_scope

    grouped: dict[int, list[ActivityRow]] = {}
    for activity in activities:
        grouped.setdefault(activity.account_id, []).append(activity)
    accounts = _pass_accounts.get()
    if accounts is None:
        accounts = {}
    wanted = [pk for pk in grouped if pk not in accounts]
    if wanted:
        found = LineAccount.unscoped.select_related("workspace").in_bulk(wanted)
        accounts.update((pk, found.get(pk)) for pk in wanted)
    for pk, rows in grouped.items():
        account = accounts.get(pk)
        if account is None:
            continue  # the OA was deleted; its activities went with it
        with tenant_scope(workspace=account.workspace, account=account):
            react(account, rows)


def register(
    name: str,
    kinds: Iterable[str],
    handler: Handler,
    *,
    start: str = FROM_NOW,
    ahead: bool = False,
) -> None:
    """Subscribe ``handler`` to ``kinds`` under ``name``, a stable constant (see the module's
    docstring: it keys the subscriber's cursor row). ``start`` says where a subscriber seen
    for the first time begins: ``"now"`` (only new activity) or ``"beginning"`` (replay the
    log).

    ``ahead``: a friend waits on this reaction. The subscriber is drained in a transaction of
    its own before the others, so what it does after its commit (an answer to LINE) waits for
    none of their handlers. It must then not rely on another subscriber having read the same
    activities first: a concurrent drain may deliver them to the others before it.

    Registering the same handler under its name again replaces it (``ready()`` can run twice
    in tests); a name already taken by another handler raises ``ValueError``: two subscribers
    sharing a cursor would each skip what the other read.
    """
    if start not in (FROM_BEGINNING, FROM_NOW):
        raise ValueError(f"start must be {FROM_BEGINNING!r} or {FROM_NOW!r}")
    if not name or len(name) > _NAME_MAX_LENGTH:
        raise ValueError(f"a subscriber name has 1 to {_NAME_MAX_LENGTH} characters: {name!r}")
    taken = _subscribers.get(name)
    if taken is not None and taken.handler != handler:
        raise ValueError(f"activity subscriber {name!r} is already registered by {taken.handler!r}")
    _subscribers[name] = Subscriber(
        name=name, kinds=frozenset(kinds), handler=handler, start=start, ahead=ahead
    )


def unregister(name: str) -> None:
    _subscribers.pop(name, None)


def subscribers() -> list[Subscriber]:
    return list(_subscribers.values())


def subscriber(name: str) -> Subscriber:
    return _subscribers[name]
