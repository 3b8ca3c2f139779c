"""A/B variants: validating them, assigning friends to them, and sending the winner to the rest.

Assignment is a hash, not a random draw, so planning the same broadcast twice puts every friend
in the same arm, and SQL can compute it set-based on both databases (no friend is loaded into
the worker). The holdout takes its share first (``planning.holdout_bucket``); the other friends
get a slot 0-9,999 from the same per-broadcast hash (its upper digits, independent of the
holdout's lower ones). Slots below ``variant_test_percent`` * 100 are tested and split among the
variants by their cumulative shares; the remaining slots wait for the winner.

With tracked links (or ``{displayName}``) variants go out by push, one request per friend:
each link then names the friend, so unique clicks per arm (the numerator of each click rate)
are exact rather than estimated, whatever the broadcast's click attribution says. Without such
a need each arm goes by multicast, up to 500 of that arm's friends per call. Either way
planning stores each friend's arm on its batch (``variant_of_friend``; a batch never mixes
arms), which the ``Delivery`` view exposes as the delivery's variant.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BigIntegerField, Case, F, QuerySet, Value, When
from django.db.models.functions import Mod
from django.db.models.lookups import LessThan
from django.utils.translation import gettext as _

from broadcasts.audiences import chooses_each_recipient
from broadcasts.models import Broadcast, BroadcastVariant, Delivery, HeldBack
from oa_console.line.messages import messages_errors
from oa_console.models import LineAccount, User

MIN_VARIANTS, MAX_VARIANTS = 2, 4
SLOTS = 10_000  # resolution of the split: 0.01% of the audience


def variant_slot(broadcast_id: int, field: str = "pk"):
    """0-9,999 per friend (``field`` is its id), stable within a broadcast: the upper digits
    of the holdout's hash, so it is unrelated to whether the friend is in the holdout."""
    hashed = Mod(F(field) * 2654435761 + broadcast_id * 40503, 1000003)
    return Mod(hashed / 100, SLOTS)


def slot_ranges(broadcast: Broadcast, variants: list[BroadcastVariant]) -> list[tuple[int, int]]:
    """Half-open slot range of each variant: the test share split by cumulative shares."""
    tested = broadcast.variant_test_percent * (SLOTS // 100)
    ranges, low, total = [], 0, 0
    for variant in variants:
        total += variant.share
        high = tested * total // 100
        ranges.append((low, high))
        low = high
    return ranges


def even_shares(count: int) -> list[int]:
    """Whole percentages as even as possible, the first arms taking the remainder."""
    base, extra = divmod(100, count)
    return [base + (1 if n < extra else 0) for n in range(count)]


def clean_variants(
    variants: Any, *, audience_kind: str, test_percent: Any
) -> tuple[list[dict], dict[str, list[str]]]:
    """Validated variants (``name``, ``messages``, ``share``) and every problem, keyed by the
    JSON path of the field it is about (``variants[1].share``)."""
    errors: dict[str, list[str]] = {}
    if variants in (None, []):
        return [], errors
    if not isinstance(variants, list) or not all(isinstance(v, dict) for v in variants):
        return [], {"variants": [_("Variants must be a list of objects with a name and messages.")]}
    if not MIN_VARIANTS <= len(variants) <= MAX_VARIANTS:
        errors["variants"] = [
            _("An A/B test has %(min)s to %(max)s variants.")
            % {"min": MIN_VARIANTS, "max": MAX_VARIANTS}
        ]
    if not chooses_each_recipient(audience_kind):
        errors.setdefault("variants", []).append(
            _(
                "A/B variants need a saved segment as the audience (sent per friend by the "
                "console). A LINE broadcast or narrowcast sends one message to everyone it "
                "picks, so the console cannot choose who gets which variant."
            )
        )
    if (
        not isinstance(test_percent, int)
        or isinstance(test_percent, bool)
        or not 1 <= test_percent <= 100
    ):
        errors["variant_test_percent"] = [_("Choose a test share of 1 to 100%.")]
    given = [v.get("share") for v in variants]
    shares = even_shares(len(variants)) if all(s is None for s in given) else given
    cleaned: list[dict] = []
    for index, (variant, share) in enumerate(zip(variants, shares, strict=True)):
        path = f"variants[{index}]"
        # ``id`` and ``label`` are what the API returns: a GET body can be PUT back as it is.
        unknown = set(variant) - {"name", "messages", "share", "id", "label"}
        if unknown:
            errors[path] = [
                _("Unknown keys: %(keys)s.") % {"keys": ", ".join(sorted(map(str, unknown)))}
            ]
        name = variant.get("name")
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > 60:
            errors[f"{path}.name"] = [_("Give each variant a name of up to 60 characters.")]
        problems = messages_errors(variant.get("messages"))
        if problems:
            errors[f"{path}.messages"] = [str(problem) for problem in problems]
        if share is None:
            errors[f"{path}.share"] = [_("Give every variant a share, or none of them.")]
        elif not isinstance(share, int) or isinstance(share, bool) or not 1 <= share <= 99:
            errors[f"{path}.share"] = [_("A share is a whole percentage from 1 to 99.")]
        cleaned.append(
            {
                "name": name.strip() if isinstance(name, str) else "",
                "messages": variant.get("messages"),
                "share": share,
            }
        )
    valid_shares = [s for s in shares if isinstance(s, int) and not isinstance(s, bool)]
    if len(valid_shares) == len(shares) and sum(valid_shares) != 100:
        errors.setdefault("variants", []).append(
            _("The variants' shares add up to %(total)s%%; they must add up to 100%%.")
            % {"total": sum(valid_shares)}
        )
    return cleaned, errors


def variants_save(*, broadcast: Broadcast, variants: list[dict]) -> None:
    """Replace the broadcast's variants (only before sending: batches point at them)."""
    BroadcastVariant.objects.for_account(broadcast.account).filter(broadcast=broadcast).delete()
    BroadcastVariant.objects.for_account(broadcast.account).bulk_create(
        [
            BroadcastVariant(
                account=broadcast.account,
                broadcast=broadcast,
                position=position,
                name=variant["name"],
                messages=variant["messages"],
                share=variant["share"],
            )
            for position, variant in enumerate(variants)
        ]
    )


def variant_list(*, broadcast: Broadcast) -> list[BroadcastVariant]:
    """The broadcast's A/B variants in order (none for one not saved yet, like an estimate's)."""
    if not broadcast.pk:
        return []
    return list(
        BroadcastVariant.objects.for_account(broadcast.account)
        .filter(broadcast_id=broadcast.pk)
        .order_by("position")
    )


def has_variants(broadcast: Broadcast) -> bool:
    return (
        bool(broadcast.pk)
        and BroadcastVariant.objects.for_account(broadcast.account)
        .filter(broadcast=broadcast)
        .exists()
    )


def arm_messages(broadcast: Broadcast) -> list[list[dict]]:
    """The messages of every arm (each variant's), or the broadcast's own without variants:
    what planning inspects for personalisation and tracked links (the broadcast's own
    messages only mirror the first variant)."""
    if broadcast.pk:
        arms = list(
            BroadcastVariant.objects.for_account(broadcast.account)
            .filter(broadcast_id=broadcast.pk)
            .order_by("position")
            .values_list("messages", flat=True)
        )
        if arms:
            return arms
    return [broadcast.messages]


# Planning hooks (called from services.planning) ---------------------------------------------


def exclude_tested(broadcast: Broadcast, friends: QuerySet) -> QuerySet:
    """For a winner follow-up: its parent's audience minus every friend the parent planned a
    variant for or held out, i.e. the rest that waited (and anyone new to the segment)."""
    if not broadcast.winner_of_id:
        return friends
    parent, account = broadcast.winner_of_id, broadcast.account  # the parent is the same OA's
    return friends.exclude(
        pk__in=Delivery.objects.for_account(account).filter(broadcast_id=parent).values("friend_id")
    ).exclude(
        pk__in=HeldBack.objects.for_account(account)
        .filter(broadcast_id=parent, reason=HeldBack.Reason.HOLDOUT)
        .values("friend_id")
    )


def split_tested(broadcast: Broadcast, sendable: QuerySet) -> tuple[QuerySet, QuerySet | None]:
    """The friends who get a variant, and those who wait for the winner (None without
    variants or when the whole audience is tested)."""
    if not has_variants(broadcast) or broadcast.variant_test_percent >= 100:
        return sendable, None
    threshold = broadcast.variant_test_percent * (SLOTS // 100)
    slotted = sendable.annotate(ab_slot=variant_slot(broadcast.pk))
    return slotted.filter(ab_slot__lt=threshold), slotted.filter(ab_slot__gte=threshold)


def variant_of_friend(broadcast: Broadcast) -> Case | None:
    """Each friend's variant id as an SQL expression over the friend's id, for planning to
    store on the friend's batch (None without variants). The cases run in slot order, so a
    friend gets the first variant whose range ends above its slot; planning only batches the
    tested friends (``split_tested``), whose slots all fall in some variant's range."""
    variants = variant_list(broadcast=broadcast)
    if not variants:
        return None
    slot = variant_slot(broadcast.pk)
    return Case(
        *[
            When(LessThan(slot, high), then=Value(variant.pk))
            for variant, (_low, high) in zip(
                variants, slot_ranges(broadcast, variants), strict=True
            )
        ],
        default=None,
        output_field=BigIntegerField(),
    )


def variant_messages(broadcast: Broadcast, variant_id: int | None) -> list[dict]:
    """The messages of one arm (cached on the broadcast object for a sending round)."""
    if variant_id is None:
        return broadcast.messages
    cache = broadcast.__dict__.setdefault("_variant_messages", {})
    if variant_id not in cache:
        cache[variant_id] = (
            BroadcastVariant.objects.for_account(broadcast.account)
            .filter(broadcast_id=broadcast.pk, pk=variant_id)
            .values_list("messages", flat=True)
            .get()
        )
    return cache[variant_id]


# Send the winner to the rest ------------------------------------------------------------------

FINISHED = (Broadcast.Status.SENT, Broadcast.Status.PARTIALLY_FAILED)


class WinnerConflict(Exception):
    """The A/B broadcast cannot (yet, or any more) have its winner sent to the rest."""


@transaction.atomic
def broadcast_send_winner(
    *,
    account: LineAccount,
    broadcast: Broadcast,
    user: User | None,
    variant_id: int | None = None,
) -> Broadcast:
    """Create the follow-up draft that sends the chosen variant (by default the leader by
    click rate) to the part of the audience that received none. It is a normal draft: it
    goes through review, approval and scheduling like any other broadcast."""
    from broadcasts.variant_selectors import broadcast_variant_results

    parent = Broadcast.objects.for_account(account).select_for_update().get(pk=broadcast.pk)
    variants = variant_list(broadcast=parent)
    if not variants:
        raise WinnerConflict(_("This broadcast has no A/B variants."))
    if parent.status not in FINISHED:
        raise WinnerConflict(_("The A/B test must finish sending before a winner is sent."))
    existing = (
        Broadcast.objects.for_account(account)
        .filter(winner_of=parent)
        .exclude(status=Broadcast.Status.CANCELLED)
    ).first()
    if existing is not None:
        raise WinnerConflict(
            _("The winner already goes to the rest in “%(name)s”.") % {"name": existing.name}
        )
    if variant_id is None:
        winner = broadcast_variant_results(broadcast=parent).leader
        if winner is None:
            raise ValidationError(
                {"variant": [_("No variant has a click rate yet; choose the winner yourself.")]}
            )
    else:
        winner = next((v for v in variants if v.pk == variant_id), None)
        if winner is None:
            raise ValidationError({"variant": [_("Choose one of this broadcast's variants.")]})
    return Broadcast.objects.for_account(account).create(
        account=account,
        created_by=user,
        name=(
            _("%(name)s: winner %(label)s to the rest")
            % {"name": parent.name, "label": winner.label}
        )[:120],
        goal=parent.goal,
        messages=winner.messages,
        audience_kind=parent.audience_kind,  # a saved segment: the test needed one
        segment_id=parent.segment_id,
        track_clicks=parent.track_clicks,
        click_attribution=parent.click_attribution,
        winner_of=parent,
        winner_variant=winner,
    )


def followup_audience_errors(
    broadcast: Broadcast, audience_kind: str, segment_id: int | None
) -> dict[str, list[str]]:
    """A follow-up keeps its parent's segment: its recipients are defined against it."""
    if not broadcast.winner_of_id:
        return {}
    parent_kind, parent_segment = (
        Broadcast.objects.for_account(broadcast.account)
        .filter(pk=broadcast.winner_of_id)
        .values_list("audience_kind", "segment_id")
    ).first() or (None, None)
    if audience_kind != parent_kind or segment_id != parent_segment:
        return {
            "audience": [
                _(
                    "This broadcast sends an A/B winner to the rest of its test's segment; its "
                    "audience cannot change."
                )
            ]
        }
    return {}
