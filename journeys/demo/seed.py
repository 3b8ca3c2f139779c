"""``seed_journeys``: in every demo OA, an active journey of each starter with months of history.

Each journey is published (version 1, activated by the workspace's admin) in the OA's
language, and its past is written set-based: the enrolments (most finished, some still
waiting at a wait node with their next step in the future), the journal rows, the sends and the
conversions, all from walking demo friends through the published graph (``history``), so the
journey's page shows figures that add up; then the clicks on the messages' links (``clicks``).
Deterministic (seeded random per OA) and idempotent: an OA that already has journeys is left
alone, so a second run creates nothing.
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils import timezone

from journeys.demo.clicks import demo_clicks_record
from journeys.demo.graphs import demo_graph, demo_name, personalised
from journeys.demo.history import Walk, Walker
from journeys.demo.plans import BEHAVIOURS, DemoFriend, Planner
from journeys.demo.rows import BATCH, rows_insert
from journeys.demo.texts import BIRTHDAY_LABELS, LANGUAGE_BY_ZONE
from journeys.models import (
    Conversion,
    Enrolment,
    EnrolmentStep,
    Journey,
    JourneySend,
    JourneyVersion,
)
from oa_console.tenancy import tenant_scope
from segments.models import AttributeDefinition, Friend, FriendAttribute
from segments.services.attributes import attribute_definition_create

BIRTHDAY = "birthday"
MEMBER_BIRTHDAYS = 0.3  # share of friends without a profile birthday whose card has one

if TYPE_CHECKING:
    from oa_console.management.commands.seed_demo import DemoTenancy
    from oa_console.models import LineAccount, User


def seed_journeys(demo: DemoTenancy) -> int:
    marketer = demo.users.get("marketer@demo.example")
    admin = demo.users.get("admin@demo.example") or demo.users.get("owner@demo.example")
    created = 0
    for account in demo.accounts.values():
        with tenant_scope(workspace=account.workspace, account=account):
            created += journeys_demo_seed(account=account, marketer=marketer, admin=admin)
    return created


def journeys_demo_seed(
    *, account: LineAccount, marketer: User | None = None, admin: User | None = None, now=None
) -> int:
    """The demo journeys of one OA with their history; 0 when the OA has journeys already."""
    if Journey.objects.for_account(account).exists():
        return 0
    now = now or timezone.now()
    zone = ZoneInfo(account.time_zone)
    language = LANGUAGE_BY_ZONE.get(account.time_zone, "en")
    friends = [
        DemoFriend(*row)
        for row in Friend.objects.for_account(account)
        .filter(status=Friend.Status.FOLLOWING)
        .order_by("pk")
        .values_list("pk", "display_name", "line_user_id", "first_followed_at", "birthday")
    ]
    if not friends:
        return 0
    people = {friend.pk: friend for friend in friends}
    friends = _with_birthdays(account, friends)
    created = _birthday_attribute(account, friends, language)
    for key, behaviour in BEHAVIOURS.items():
        rng = random.Random(f"journeys:{account.slug}:{key}")
        graph = demo_graph(key, language)
        journey, version = _publish(account, key, language, graph, now, behaviour.days, marketer)
        _mark_authors(journey, version, marketer, admin)
        planner = Planner(slug=account.slug, zone=zone, now=now, rng=rng, friends=friends)
        walker = Walker(graph, zone=zone, now=now, rng=rng, engaged=behaviour.engaged)
        walks = [
            (
                start.friend.pk,
                start.dedupe_key,
                walker.walk(start.at, start.properties, start.purchase, start.arm),
            )
            for start in planner.starts(key, behaviour)
        ]
        created += 2 + _write(account, journey, version, graph, walks, people)
        created += demo_clicks_record(
            account=account, journey=journey, walks=walks, people=people, now=now
        )
    return created


def _with_birthdays(account: LineAccount, friends: list[DemoFriend]) -> list[DemoFriend]:
    """The members' birthdays the brand knows: the profile's where the friend gave one, and
    for a share of the others the one their membership card holds."""
    rng = random.Random(f"journeys:{account.slug}:birthdays")
    return [
        friend
        if friend.birthday or rng.random() >= MEMBER_BIRTHDAYS
        else replace(
            friend, birthday=date(rng.randint(1965, 2006), rng.randint(1, 12), rng.randint(1, 28))
        )
        for friend in friends
    ]


def _birthday_attribute(account: LineAccount, friends: list[DemoFriend], language: str) -> int:
    """The birthday journey's trigger reads the date attribute ``birthday``: the demo OA's
    brand keeps its members' birthdays there, as the member import would have put them."""
    if AttributeDefinition.objects.for_account(account).filter(key=BIRTHDAY).exists():
        return 0
    definition = attribute_definition_create(
        account=account, key=BIRTHDAY, label=BIRTHDAY_LABELS[language], type="date"
    )
    values = [
        FriendAttribute(
            account=account, friend_id=friend.pk, definition=definition, value_date=friend.birthday
        )
        for friend in friends
        if friend.birthday is not None
    ]
    FriendAttribute.objects.for_account(account).bulk_create(values, batch_size=BATCH)
    return 1 + len(values)


def _publish(account, key, language, graph, now, days, marketer) -> tuple[Journey, JourneyVersion]:
    activated = now - timedelta(days=days, hours=2)
    journey = Journey.objects.for_account(account).create(
        account=account,
        name=demo_name(key, language),
        status=Journey.Status.ACTIVE,
        draft_graph=graph,
        created_by=marketer,
        submitted_by=marketer,
        submitted_at=activated - timedelta(hours=20),
        activated_at=activated,
    )
    version = JourneyVersion.objects.for_account(account).create(
        account=account, journey=journey, number=1, graph=graph
    )
    # The rows were created "now": give them the dates of the journey's real past.
    Journey.objects.for_account(account).filter(pk=journey.pk).update(
        active_version=version,
        created_at=activated - timedelta(days=1),
        updated_at=activated,
    )
    JourneyVersion.objects.for_account(account).filter(pk=version.pk).update(created_at=activated)
    journey.active_version = version
    return journey, version


def _mark_authors(journey: Journey, version: JourneyVersion, marketer, admin) -> None:
    Journey.objects.for_account(journey.account).filter(pk=journey.pk).update(activated_by=admin)
    JourneyVersion.objects.for_account(journey.account).filter(pk=version.pk).update(
        created_by=admin
    )


def _write(account, journey, version, graph, walks: list[tuple[int, str, Walk]], people) -> int:
    """Every row of the walks, set-based: enrolments first (their ids), then the journal and
    the sends, then the conversions (which name the last send before the purchase)."""
    enrolments = [
        Enrolment(
            account=account,
            journey=journey,
            version=version,
            friend_id=friend_id,
            node_id=walk.node_id,
            state=walk.state,
            next_run_at=walk.next_run_at,
            trigger_properties=walk.properties,
            dedupe_key=dedupe_key,
            entered_at=walk.entered_at,
            ended_at=walk.ended_at,
            step=walk.step,
            waiting_for=walk.waiting_for,
            goal_until=walk.goal_until if walk.state in Enrolment.IN_FLIGHT else None,
            arm=walk.arm,
            exit_reason=walk.exit_reason,
        )
        for friend_id, dedupe_key, walk in walks
    ]
    Enrolment.objects.for_account(account).bulk_create(enrolments, batch_size=BATCH)
    steps, sends = [], []
    for enrolment, (friend_id, _key, walk) in zip(enrolments, walks, strict=True):
        ids = (account.pk, journey.pk, enrolment.pk, friend_id)
        steps += [
            (*ids, node_id, kind, outlet, json.dumps(detail) if detail else "{}", at)
            for node_id, kind, outlet, at, detail in walk.journal
        ]
        person = people[friend_id]
        for node_id, step, status, at, error in walk.sends:
            messages = personalised(
                graph["nodes"][node_id],
                display_name=person.display_name,
                properties=walk.properties,
            )
            minute = at.replace(second=0, microsecond=0).isoformat()
            group_key = hashlib.sha256(f"{node_id}|{minute}|{messages}".encode()).hexdigest()
            sends.append(
                (
                    *ids,
                    version.pk,
                    node_id,
                    step,
                    person.line_user_id,
                    messages,
                    group_key,
                    JourneySend.Method.PUSH,
                    uuid.UUID(int=rng_bits(enrolment.pk, step)),
                    status,
                    0 if status == JourneySend.Status.CAPPED else 1,
                    group_key[:32] if status == JourneySend.Status.SENT else "",
                    error,
                    at - timedelta(seconds=2),
                    at if status == JourneySend.Status.SENT else None,
                )
            )
    rows_insert(EnrolmentStep, STEP_FIELDS, steps)
    rows_insert(JourneySend, SEND_FIELDS, sends)
    conversions = _conversions(account, journey, enrolments, walks)
    Conversion.objects.for_account(account).bulk_create(conversions, batch_size=BATCH)
    return len(enrolments) + len(steps) + len(sends) + len(conversions)


STEP_FIELDS = (
    "account",
    "journey",
    "enrolment",
    "friend",
    "node_id",
    "kind",
    "outlet",
    "detail",
    "at",
)
SEND_FIELDS = (
    "account",
    "journey",
    "enrolment",
    "friend",
    "version",
    "node_id",
    "step",
    "line_user_id",
    "messages",
    "group_key",
    "method",
    "retry_key",
    "status",
    "attempts",
    "request_id",
    "error",
    "created_at",
    "sent_at",
)


def rng_bits(enrolment_id: int, step: int) -> int:
    """A retry key per send that is the same on every run of the seed (128 bits)."""
    return int.from_bytes(hashlib.sha256(f"demo:{enrolment_id}:{step}".encode()).digest()[:16])


def _conversions(account, journey, enrolments, walks) -> list[Conversion]:
    """One per enrolment whose friend bought within the goal window, attributed to the last
    message they received before buying."""
    converted = [
        (enrolment, walk)
        for enrolment, (_friend, _key, walk) in zip(enrolments, walks, strict=True)
        if walk.conversion is not None
    ]
    sent = {}
    for send_id, enrolment_id, sent_at in (
        JourneySend.objects.for_account(account)
        .filter(
            enrolment_id__in=[enrolment.pk for enrolment, _walk in converted],
            status=JourneySend.Status.SENT,
        )
        .order_by("sent_at")
        .values_list("pk", "enrolment_id", "sent_at")
    ):
        sent.setdefault(enrolment_id, []).append((sent_at, send_id))
    rows = []
    for enrolment, walk in converted:
        before = [send_id for at, send_id in sent.get(enrolment.pk, []) if at <= walk.conversion.at]
        rows.append(
            Conversion(
                account=account,
                journey=journey,
                enrolment=enrolment,
                friend_id=enrolment.friend_id,
                last_send_id=before[-1] if before else None,
                arm=walk.arm,
                revenue=walk.conversion.revenue,
                at=walk.conversion.at,
            )
        )
    return rows
