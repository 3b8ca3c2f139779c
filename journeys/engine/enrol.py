"""Enrolment: a triggered friend enters a journey when its entry rules let them.

The rules (``graph["entry"]``, see docs/journeys.md): only active journeys enrol (a test run
excepted); following friends only, when asked; the audience's segment rules, compiled by
segments' own compiler; the re-entry policy (once ever / again after N days / every time),
counted across the journey's versions; a dedupe key from an event property (the unique
constraint settles a race); at most ``max_concurrent`` enrolments of one friend in flight.

One code path applies the rules: ``enrolments_start_each`` takes entries (a friend, their
event's properties and moment, the activity) and judges a chunk of 1,000 with a few queries
(the friends, their past enrolments' counts, the dedupe keys taken, the audience) and the rules
in memory, then inserts the enrolments and their journal lines in one statement each; the same
friend twice in one call is judged as if enrolled one after the other. ``enrolment_start``
(one friend, with a readable reason when refused) and ``enrolments_start_many`` (100,000s of
friends with the same properties) call it. The item event's bulk path judges many viewers of
one event in a single query instead (``item_events.eligible``): a rule changed here is changed
there too (its tests compare both paths).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from journeys.engine import kicks
from journeys.engine.bulk_entrants import bulk_entrants
from journeys.graph.fragments import duration_seconds
from journeys.models import Enrolment, EnrolmentStep, Journey, JourneyVersion
from oa_console.models import LineAccount
from segments.models import Friend
from segments.rules.compiler import rules_compile
from segments.rules.validation import RuleContext

CHUNK = 1000
DEDUPE_MAX = 200


@dataclass
class EnrolOutcome:
    """A friend entered (``enrolment``) or was refused (``refused``: a code; ``reason``: the
    sentence shown to the user)."""

    enrolment: Enrolment | None = None
    refused: str = ""
    reason: str = ""


def dedupe_value(entry: dict, properties: dict) -> str:
    """The dedupe key of an event: its ``dedupe_property`` as text ("" without one)."""
    name = entry.get("dedupe_property")
    if not name:
        return ""
    value = (properties or {}).get(name)
    if value is None or value == "":
        return ""
    return str(value)[:DEDUPE_MAX]


def goal_until(graph: dict, now: datetime) -> datetime | None:
    goal = graph.get("goal")
    if not goal:
        return None
    return now + timedelta(seconds=duration_seconds(goal["window"]))


def _refusal(code: str, reason: str) -> EnrolOutcome:
    return EnrolOutcome(refused=code, reason=reason)


def _duplicate(entry: dict, key: str) -> EnrolOutcome:
    return _refusal(
        "duplicate",
        _("The friend already entered this journey with %(property)s “%(value)s”.")
        % {"property": entry.get("dedupe_property", ""), "value": key},
    )


@dataclass(slots=True)
class EnrolEntry:
    """One friend to enrol: the properties of the event that triggered them, its moment (the
    enrolment's start) and the activity it came from (journaled, for redelivery)."""

    friend_id: int
    properties: dict
    at: datetime
    activity_id: int | None = None


@dataclass
class _Past:
    """A friend's enrolments into the journey as the entry rules count them, kept up to date
    while a chunk enrols them, so the same friend twice in one call is judged as if enrolled
    one after the other."""

    entered: int = 0  # enrolments outside test runs
    last_entered_at: datetime | None = None
    in_flight: int = 0
    keys: set[str] = field(default_factory=set)  # dedupe keys taken (test runs included)

    def add(self, at: datetime, key: str, *, in_flight: bool = True) -> None:
        self.entered += 1
        self.in_flight += int(in_flight)
        self.last_entered_at = max(filter(None, [self.last_entered_at, at]))
        if key:
            self.keys.add(key)


def _pasts(account: LineAccount, journey: Journey, friend_ids: list[int], keys: set[str]):
    """``_Past`` of each friend, in two queries."""
    pasts = {pk: _Past() for pk in friend_ids}
    enrolments = Enrolment.objects.for_account(account).filter(
        journey=journey, friend_id__in=friend_ids
    )
    counts = (
        enrolments.filter(is_test=False)
        .order_by()
        .values("friend_id")
        .annotate(
            entered=Count("pk"),
            last=Max("entered_at"),
            in_flight=Count("pk", filter=Q(state__in=Enrolment.IN_FLIGHT)),
        )
        .values_list("friend_id", "entered", "last", "in_flight")
    )
    for friend_id, entered, last, in_flight in counts:
        past = pasts[friend_id]
        past.entered, past.last_entered_at, past.in_flight = entered, last, in_flight
    if keys:
        taken = enrolments.filter(dedupe_key__in=keys).values_list("friend_id", "dedupe_key")
        for friend_id, key in taken:
            pasts[friend_id].keys.add(key)
    # Friends an item event's bulk call reached seconds ago: their enrolment is being written.
    for friend_id, entrants in bulk_entrants(
        account=account, journey_id=journey.pk, friend_ids=friend_ids
    ).items():
        for entrant in entrants:
            pasts[friend_id].add(
                entrant.entered_at, entrant.dedupe_key, in_flight=entrant.in_flight
            )
    return pasts


def _entry_refusal(
    *, entry: dict, friend: Friend, past: _Past, key: str, at: datetime, in_audience: bool
) -> EnrolOutcome | None:
    """The first entry rule the friend breaks, or None (mirrored as a query in
    ``item_events.eligible``)."""
    if friend.erased_at is not None:
        return _refusal("erased", _("This friend's personal data was erased."))
    if entry.get("following_only") and friend.status != Friend.Status.FOLLOWING:
        return _refusal("not_following", _("The friend does not follow the OA."))
    reentry = entry.get("reentry") or {"policy": "every_time"}
    if reentry["policy"] == "once" and past.entered:
        return _refusal(
            "already_entered",
            _("The friend has already entered this journey, which each friend enters once."),
        )
    if (
        reentry["policy"] == "after_days"
        and past.last_entered_at is not None
        and past.last_entered_at > at - timedelta(days=reentry["days"])
    ):
        return _refusal(
            "entered_recently",
            _("The friend entered this journey less than %(days)s days ago.")
            % {"days": reentry["days"]},
        )
    if key and key in past.keys:
        return _duplicate(entry, key)
    limit = entry.get("max_concurrent")
    if limit and past.in_flight >= limit:
        return _refusal(
            "too_many",
            _("The friend is already in this journey %(count)s times at once, its limit.")
            % {"count": limit},
        )
    if not in_audience:
        return _refusal("audience", _("The friend is not in the journey's audience."))
    return None


def _audience(account: LineAccount, entry: dict, friend_ids: list[int], now: datetime) -> set[int]:
    """Which of the friends the journey's audience rules match at ``now`` (all without rules)."""
    if not entry.get("audience"):
        return set(friend_ids)
    context = RuleContext.for_account(account)
    return set(
        Friend.objects.for_account(account)
        .filter(pk__in=friend_ids)
        .filter(rules_compile(entry["audience"], context=context, now=now))
        .order_by()
        .values_list("pk", flat=True)
    )


@transaction.atomic
def enrolment_start(
    *,
    account: LineAccount,
    journey: Journey,
    friend: Friend,
    properties: dict,
    now: datetime | None = None,
    activity_id: int | None = None,
    is_test: bool = False,
    version: JourneyVersion | None = None,
) -> EnrolOutcome:
    """Enrol one friend under the journey's entry rules (a test run bypasses them, and may
    name the ``version`` it runs, e.g. one published from a draft)."""
    if journey.account_id != account.pk or friend.account_id != account.pk:
        raise ValueError("journey or friend of another OA")
    entry = EnrolEntry(friend.pk, properties, now or timezone.now(), activity_id)
    (outcome,) = enrolments_start_each(
        account=account, journey=journey, entries=[entry], is_test=is_test, version=version
    )
    if outcome.enrolment is not None:
        outcome.enrolment.friend = friend  # the caller's, fully loaded
    return outcome


@transaction.atomic
def enrolments_start_each(
    *,
    account: LineAccount,
    journey: Journey,
    entries: Sequence[EnrolEntry],
    is_test: bool = False,
    version: JourneyVersion | None = None,
) -> list[EnrolOutcome]:
    """Enrol each entry under the entry rules, in order, as if one after the other (the same
    friend twice: re-entry, dedupe and the concurrent limit count the first); one outcome per
    entry. A few queries and two inserts per ``CHUNK`` entries, one kick."""
    if journey.account_id != account.pk:
        raise ValueError("journey of another OA")
    version = version or journey.active_version
    if version is None or (not is_test and journey.status != Journey.Status.ACTIVE):
        return [_refusal("not_active", _("The journey is not active.")) for _e in entries]
    outcomes: list[EnrolOutcome] = []
    for start in range(0, len(entries), CHUNK):
        chunk = entries[start : start + CHUNK]
        outcomes.extend(_chunk_start(account, journey, version, chunk, is_test))
    if any(outcome.enrolment is not None for outcome in outcomes):
        kicks.advance_soon()
    return outcomes


def _chunk_start(
    account: LineAccount,
    journey: Journey,
    version: JourneyVersion,
    entries: Sequence[EnrolEntry],
    is_test: bool,
) -> list[EnrolOutcome]:
    graph = version.graph
    entry = graph.get("entry") or {}
    ids = list({item.friend_id for item in entries})
    friends = Friend.objects.for_account(account).only("pk", "status", "erased_at").in_bulk(ids)
    keys = ["" if is_test else dedupe_value(entry, item.properties) for item in entries]
    if not is_test:
        pasts = _pasts(account, journey, ids, {key for key in keys if key})
        audience = _audience(account, entry, ids, max(item.at for item in entries))
    outcomes: list[EnrolOutcome] = []
    pending: list[tuple[Enrolment, EnrolEntry]] = []
    for item, key in zip(entries, keys, strict=True):
        friend = friends.get(item.friend_id)
        if friend is None:
            outcomes.append(
                _refusal("unknown_friend", _("The friend is not one of this OA's friends."))
            )
            continue
        if not is_test:
            past = pasts[friend.pk]
            refused = _entry_refusal(
                entry=entry,
                friend=friend,
                past=past,
                key=key,
                at=item.at,
                in_audience=friend.pk in audience,
            )
            if refused:
                outcomes.append(refused)
                continue
            past.add(item.at, key)
        row = Enrolment(
            account=account,
            journey=journey,
            version=version,
            friend=friend,
            node_id=graph["start"],
            state=Enrolment.State.ACTIVE,
            next_run_at=item.at,
            trigger_properties=item.properties or {},
            dedupe_key=key,
            entered_at=item.at,
            goal_until=goal_until(graph, item.at),
            is_test=is_test,
        )
        pending.append((row, item))
        outcomes.append(EnrolOutcome(enrolment=row))
    created = _enrolments_insert(account, [row for row, _item in pending])
    EnrolmentStep.objects.for_account(account).bulk_create(
        [
            EnrolmentStep(
                account=account,
                journey=journey,
                enrolment=row,
                friend_id=row.friend_id,
                node_id="",
                kind=EnrolmentStep.Kind.ENROLLED,
                detail=_detail(item.activity_id, is_test),
                at=item.at,
            )
            for row, item in pending
            if row.pk in created
        ]
    )
    for position, outcome in enumerate(outcomes):
        row = outcome.enrolment
        if row is not None and row.pk not in created:
            # Another worker enrolled the friend with the same dedupe key a moment ago.
            outcomes[position] = _duplicate(entry, row.dedupe_key)
    return outcomes


def _enrolments_insert(account: LineAccount, rows: list[Enrolment]) -> set[int]:
    """Insert ``rows``; the ids of those inserted (a concurrent enrolment may have taken a
    dedupe key: then the chunk is inserted one by one and that row is left out)."""
    try:
        with transaction.atomic():
            Enrolment.objects.for_account(account).bulk_create(rows)
    except IntegrityError:
        for row in rows:
            row.pk, row._state.adding = None, True
            try:
                with transaction.atomic():
                    row.save()
            except IntegrityError:
                row.pk = None
    return {row.pk for row in rows if row.pk is not None}


def _detail(activity_id: int | None, is_test: bool = False) -> dict:
    detail: dict = {}
    if activity_id is not None:
        detail["activity_id"] = activity_id
    if is_test:
        detail["test"] = True
    return detail


@transaction.atomic
def enrolments_start_many(
    *,
    account: LineAccount,
    journey: Journey,
    friend_ids: Iterable[int],
    properties: dict,
    now: datetime | None = None,
) -> int:
    """Enrol many friends at once (a segment, a schedule, an item event's viewers) with the
    same properties under the entry rules, chunk by chunk; returns how many entered."""
    now = now or timezone.now()
    ids = sorted(set(friend_ids))
    entered = 0
    for start in range(0, len(ids), CHUNK):
        # Entries a chunk at a time: 200,000 of them at once would weigh on the worker.
        entries = [EnrolEntry(pk, properties, now) for pk in ids[start : start + CHUNK]]
        outcomes = enrolments_start_each(account=account, journey=journey, entries=entries)
        entered += sum(1 for outcome in outcomes if outcome.enrolment is not None)
    return entered
