"""LINE aggregation units: the only way LINE counts impressions and clicks of multicast and
push sends (``customAggregationUnits`` in the request body, statistics per unit name).

An OA opts in on its sending rules (LINE allows units only for accounts that applied and limits
the unit names used per month). A broadcast's units are decided once, before its first call,
and written onto its batches in the same transaction: every retry of a batch then sends the
same body under the same retry key. One unit per broadcast, or one per A/B arm so each arm
gets LINE's numbers.

LINE's specification states no monthly limit number, so none is assumed here: before the first
call the usage endpoint is asked, and a refusal there (an account that did not apply) sends the
broadcast without units; a send LINE refuses while it carries a unit is resent at once without
it under a new retry key (a refused call was not accepted, so nothing is sent twice). When that
resend is accepted the unit was the cause: the batches not yet tried drop it too, and the
broadcast says why it has no per-unit statistics.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils.translation import gettext as _

from broadcasts import simulated_line
from broadcasts.models import Broadcast, BroadcastBatch
from oa_console.line import clients, limiter
from oa_console.line.outcomes import REJECTED, line_call
from oa_console.models import LineAccount
from segments.services.sending_rules import sending_rules_get

Method = Broadcast.Method
WITH_UNITS = (Method.MULTICAST, Method.PUSH)
UNIT_PATTERN = re.compile(r"^[a-zA-Z0-9_]{1,30}$")  # LINE's MulticastRequest schema
# A call carrying a unit that LINE answers with one of these may have been refused for it.
REFUSAL_STATUSES = (400, 403)
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(number: int) -> str:
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = _DIGITS[digit] + text
        if not number:
            return text


def unit_name(broadcast_id: int, variant_id: int | None = None) -> str:
    """A stable unit name per broadcast (and A/B arm), valid against LINE's pattern and
    recognisable in LINE's list of this month's units (``oac_b<id>[_v<variant id>]``)."""
    name = f"oac_b{broadcast_id}" + (f"_v{variant_id}" if variant_id else "")
    if len(name) > 30:  # ids beyond 10^11: the same ids, written in base 36
        name = f"b{_base36(broadcast_id)}" + (f"_v{_base36(variant_id)}" if variant_id else "")
    assert UNIT_PATTERN.match(name), name
    return name


@dataclass(frozen=True)
class UnitUsage:
    used: int | None  # unit names LINE counted this month; None when LINE refused to say
    refused: str = ""  # LINE's answer when it refused (the account cannot use units)


def aggregation_unit_usage(*, account: LineAccount) -> UnitUsage | None:
    """How many unit names LINE counted for this OA this month (``/message/aggregation/info``);
    None when LINE did not answer now (nothing is concluded from silence)."""

    if not limiter.rate_limit_acquire(account, "default").allowed:
        return None
    with clients.messaging_api(account, host=simulated_line.host()) as api:
        outcome = line_call(
            lambda: api.get_aggregation_unit_usage_with_http_info(
                _request_timeout=clients.REQUEST_TIMEOUT
            )
        )
    if outcome.accepted:
        return UnitUsage(used=outcome.data.num_of_custom_aggregation_units)
    if outcome.kind == REJECTED:
        return UnitUsage(used=None, refused=f"{outcome.status} {outcome.message}".strip())
    return None


def aggregation_units_assign(*, broadcast: Broadcast) -> Broadcast:
    """Decide a sending multicast/push broadcast's units once, before its first call, and
    write them onto its batches (per A/B arm). Later calls keep the decision, even when the
    OA's setting changes meanwhile."""
    if broadcast.method not in WITH_UNITS or broadcast.aggregation_units is not None:
        return broadcast
    units: list[dict] = []
    note = ""
    if sending_rules_get(account=broadcast.account).use_aggregation_units:
        usage = aggregation_unit_usage(account=broadcast.account)
        if usage is not None and usage.refused:
            note = _(
                "LINE refused aggregation units for this OA (%(answer)s), so this broadcast was "
                "sent without one and LINE has no per-unit statistics for it."
            ) % {"answer": usage.refused}
        else:
            arms = (
                BroadcastBatch.objects.for_account(broadcast.account)
                .filter(broadcast=broadcast)
                .order_by()
                .values_list("variant_id", flat=True)
                .distinct()
            )
            units = [
                {"unit": unit_name(broadcast.pk, arm), "variant": arm}
                for arm in sorted(set(arms), key=lambda arm: arm or 0)
            ]
    with transaction.atomic():
        current = (
            Broadcast.objects.for_account(broadcast.account)
            .select_for_update()
            .get(pk=broadcast.pk)
        )
        if current.aggregation_units is not None:  # another worker decided first
            return current
        batches = BroadcastBatch.objects.for_account(broadcast.account).filter(broadcast=current)
        if batches.exclude(status=BroadcastBatch.Status.PENDING, last_attempt_at=None).exists():
            # Calls went out before units existed (a send begun before this feature): their
            # keys already name bodies without a unit.
            units = []
        for entry in units:
            batches.filter(
                status=BroadcastBatch.Status.PENDING, variant_id=entry["variant"]
            ).update(aggregation_unit=entry["unit"])
        current.aggregation_units = units
        current.aggregation_note = note
        current.save(update_fields=["aggregation_units", "aggregation_note"])
    broadcast.aggregation_units, broadcast.aggregation_note = units, note
    return broadcast


def unit_refused(batch: BroadcastBatch, status: int | None) -> bool:
    """LINE refused a call that carried a unit: it may be the unit (the monthly limit, an
    account that may not use units), so the call is retried once without it."""
    return bool(batch.aggregation_unit) and status in REFUSAL_STATUSES


def batch_retry_without_unit(batch: BroadcastBatch, message: str) -> None:
    """Resend a refused batch at once without its unit, under a new retry key: a key always
    names one body, and the refused call was not accepted, so nothing is sent twice."""
    batch.refused_unit = batch.aggregation_unit
    batch.aggregation_unit = ""
    batch.retry_key = uuid.uuid4()
    batch.error_message = message or _("LINE refused the request.")
    batch.next_attempt_at = None
    batch.save(
        update_fields=[
            "refused_unit",
            "aggregation_unit",
            "retry_key",
            "error_message",
            "next_attempt_at",
            "last_attempt_at",
            "http_status",
        ]
    )


def unit_refusal_confirmed(*, broadcast: Broadcast, batch: BroadcastBatch, message: str) -> None:
    """The resend without the unit was accepted, so the unit was what LINE refused: the
    batches of that unit not tried yet drop it as well (each with a new key, before its first
    call), and the broadcast says why its statistics are missing. Batches another worker holds
    right now are skipped, not waited for: they fall back on their own if LINE refuses them."""
    unit = batch.refused_unit
    filters = {
        "broadcast_id": batch.broadcast_id,
        "status": BroadcastBatch.Status.PENDING,
        "aggregation_unit": unit,
        "attempts": 0,
        "rate_limited": 0,
        "last_attempt_at": None,
    }
    if connection.vendor == "postgresql":
        # One statement with a new key per row: a push broadcast may have a million batches.
        table = BroadcastBatch._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET aggregation_unit = '', refused_unit = %s,"
                "  retry_key = gen_random_uuid() "
                f"WHERE id IN (SELECT id FROM {table} WHERE broadcast_id = %s AND status = %s"
                "  AND aggregation_unit = %s AND attempts = 0 AND rate_limited = 0"
                "  AND last_attempt_at IS NULL FOR UPDATE SKIP LOCKED)",
                [unit, batch.broadcast_id, BroadcastBatch.Status.PENDING, unit],
            )
    else:
        untried = (
            BroadcastBatch.objects.for_account(broadcast.account)
            .filter(**filters)
            .select_for_update(skip_locked=True)
        )
        dropped = [
            BroadcastBatch(pk=pk, aggregation_unit="", refused_unit=unit, retry_key=uuid.uuid4())
            for pk in untried.values_list("pk", flat=True)
        ]
        BroadcastBatch.objects.for_account(broadcast.account).bulk_update(
            dropped, ["aggregation_unit", "refused_unit", "retry_key"], batch_size=500
        )
    note = _(
        "LINE refused the aggregation unit %(unit)s (%(answer)s): the rest was sent without it, "
        "so LINE's per-unit statistics are missing for those messages."
    ) % {"unit": unit, "answer": message or "—"}
    current = (
        Broadcast.objects.for_account(broadcast.account).select_for_update().get(pk=broadcast.pk)
    )
    if (
        not BroadcastBatch.objects.for_account(broadcast.account)
        .filter(
            broadcast_id=batch.broadcast_id,
            status=BroadcastBatch.Status.ACCEPTED,
            aggregation_unit=unit,
        )
        .exists()
    ):  # no message went out with it: the broadcast did not use this unit
        current.aggregation_units = [
            entry for entry in current.aggregation_units or [] if entry["unit"] != unit
        ]
    current.aggregation_note = current.aggregation_note or note
    current.save(update_fields=["aggregation_units", "aggregation_note"])
