"""Writes of coupons: create one in LINE and keep it, close one, and read LINE's list (the sync).

LINE is asked first and the row written only when LINE took the coupon, so a refused coupon
leaves nothing behind. LINE's refusals become ``ValidationError``s naming the field LINE
named, in words a marketer reads, never a raw code.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic.v1 import ValidationError as PydanticValidationError

from coupons.line_body import coupon_body, coupon_fields
from coupons.models import Coupon, CouponSync
from oa_console.line import coupons as line_coupons
from oa_console.line.outcomes import TRANSIENT, Outcome
from oa_console.models import LineAccount

# LINE's property names (error details) -> the console's field names.
LINE_FIELDS = {
    "title": "title",
    "description": "description",
    "usageCondition": "usage_condition",
    "imageUrl": "image_url",
    "barcodeImageUrl": "barcode_image_url",
    "couponCode": "coupon_code",
    "startTimestamp": "starts_at",
    "endTimestamp": "ends_at",
    "timezone": "timezone",
    "visibility": "visibility",
    "maxUseCountPerTicket": "max_use_count_per_ticket",
    "acquisitionCondition.lotteryProbability": "lottery_probability",
    "acquisitionCondition.maxAcquireCount": "max_acquire_count",
    "reward.priceInfo.percentage": "percentage",
    "reward.priceInfo.fixedAmount": "fixed_amount",
    "reward.priceInfo.originalPrice": "original_price",
    "reward.priceInfo.priceAfterDiscount": "price_after_discount",
}


@dataclass(frozen=True)
class CouponInput:
    """A new coupon as the form or the API gives it (validated against LINE's limits)."""

    title: str
    reward: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    timezone: str
    visibility: str
    description: str = ""
    usage_condition: str = ""
    image_url: str = ""
    price_type: str = ""
    percentage: int | None = None
    fixed_amount: int | None = None
    original_price: int | None = None
    price_after_discount: int | None = None
    max_use_count_per_ticket: int = 1
    acquisition: str = Coupon.Acquisition.NORMAL
    lottery_probability: int | None = None
    max_acquire_count: int | None = None


class LineUnavailable(ValidationError):
    """LINE did not answer, limited the rate, or answered what the SDK could not read: worth
    trying again later (the API answers 400 ``line_unavailable``; the pages show the message as
    any other refusal)."""


def _ask(call: Callable[[], Outcome]) -> Outcome:
    """One call to LINE (``oa_console.line.coupons``), an answer the SDK cannot read (a 2xx
    whose body lacks what LINE documents) being taken as no answer."""
    try:
        return call()
    except PydanticValidationError as exc:
        return Outcome(TRANSIENT, error=f"{type(exc).__name__}: {exc}")


def line_refusal(outcome: Outcome, action: str) -> ValidationError:
    """LINE's answer to a call that did not go through, as the message a marketer reads:
    the field LINE named when it named one, else what happened and what to do."""
    if outcome.kind == "rate_limited":
        return LineUnavailable(
            _("LINE is receiving too many requests from this OA; try again in a minute.")
        )
    if outcome.retry_later:
        return LineUnavailable(
            _(
                "LINE did not answer (%(action)s). Read the coupons from LINE before trying "
                "again: LINE may have received it."
            )
            % {"action": action}
        )
    if outcome.status == 404:
        return ValidationError(_("LINE does not know this coupon (it may have been deleted)."))
    fields = _refused_fields(outcome.body)
    if fields:
        return ValidationError(fields)
    return ValidationError(
        _("LINE refused it: %(reason)s") % {"reason": outcome.message or outcome.reason}
    )


def _refused_fields(body: str) -> dict[str, list[str]]:
    """LINE's error details (``{"property": "title", "message": "..."}``) per console field."""
    try:
        details = json.loads(body or "{}").get("details") or []
    except (ValueError, AttributeError):
        return {}
    fields: dict[str, list[str]] = {}
    for detail in details:
        if not isinstance(detail, dict):
            continue
        field = LINE_FIELDS.get(str(detail.get("property", "")))
        if field:
            message = str(detail.get("message", "")) or _("LINE refused this value.")
            fields.setdefault(field, []).append(
                _("LINE refused this value: %(reason)s") % {"reason": message}
            )
    return fields


def coupon_create(*, account: LineAccount, data: CouponInput, user=None) -> Coupon:
    """Create the coupon in LINE, then keep it (status RUNNING, as LINE starts it at once)."""
    body = coupon_body(data)
    outcome = _ask(lambda: line_coupons.coupon_create(account=account, body=body))
    if not outcome.accepted:
        raise line_refusal(outcome, _("creating the coupon"))
    values = {field: getattr(data, field) for field in CouponInput.__dataclass_fields__}
    with transaction.atomic():
        coupon, _created = Coupon.objects.for_account(account).update_or_create(
            account=account,
            line_coupon_id=outcome.data.coupon_id,
            defaults={
                **values,
                "status": Coupon.Status.RUNNING,
                "origin": Coupon.Origin.CONSOLE,
                "created_by": user,
                "line_created_at": timezone.now(),
            },
        )
    return coupon


def coupon_close(*, coupon: Coupon) -> Coupon:
    """Close the coupon in LINE; one LINE already closed (410) is closed here too."""
    if coupon.status == Coupon.Status.CLOSED:
        raise ValidationError(_("This coupon is already closed."))
    outcome = _ask(
        lambda: line_coupons.coupon_close(account=coupon.account, coupon_id=coupon.line_coupon_id)
    )
    if not outcome.accepted and not line_coupons.coupon_already_closed(outcome):
        raise line_refusal(outcome, _("closing the coupon"))
    coupon.status = Coupon.Status.CLOSED
    coupon.closed_at = timezone.now()
    coupon.save(update_fields=["status", "closed_at"])
    return coupon


@dataclass(frozen=True)
class SyncResult:
    added: int = 0
    updated: int = 0


def coupons_sync(*, account: LineAccount) -> SyncResult:
    """Read every coupon LINE holds for the OA (its list, then each one's detail) and keep
    them: new ones (created in LINE Official Account Manager) are added, known ones take
    LINE's status. A refusal or silence from LINE raises before any coupon is written; either
    way the attempt is kept (``CouponSync``) for the coupons page."""
    try:
        result = _coupons_read(account)
    except ValidationError as exc:
        coupon_sync_note(account=account, error=" ".join(exc.messages))
        raise
    coupon_sync_note(account=account)
    return result


def coupon_sync_note(*, account: LineAccount, error: str = "") -> None:
    """Keep the outcome of a read of the OA's coupons: when, and why it failed if it did."""
    now = timezone.now()
    values: dict = {"attempted_at": now, "error": error}
    if not error:
        values["succeeded_at"] = now
    CouponSync.objects.for_account(account).update_or_create(account=account, defaults=values)


def _coupons_read(account: LineAccount) -> SyncResult:
    ids: list[str] = []
    start: str | None = None
    while True:
        page = _ask(partial(line_coupons.coupon_list, account=account, start=start))
        if not page.accepted:
            raise line_refusal(page, _("reading the coupons"))
        ids += [item.coupon_id for item in page.data.items]
        start = page.data.next
        if not start:
            break
    details = []
    for coupon_id in ids:
        detail = _ask(partial(line_coupons.coupon_detail, account=account, coupon_id=coupon_id))
        if detail.not_found:  # deleted between the list and the read
            continue
        if not detail.accepted:
            raise line_refusal(detail, _("reading the coupons"))
        details.append(detail.data.to_dict())
    return _store_synced(account, details)


@transaction.atomic
def _store_synced(account: LineAccount, details: list[dict]) -> SyncResult:
    now = timezone.now()
    known = {c.line_coupon_id: c for c in Coupon.objects.for_account(account)}
    added = updated = 0
    for detail in details:
        fields = coupon_fields(detail)
        coupon = known.get(detail["couponId"])
        if coupon is None:
            Coupon.objects.for_account(account).create(
                account=account,
                line_coupon_id=detail["couponId"],
                origin=Coupon.Origin.LINE,
                synced_at=now,
                **fields,
            )
            added += 1
            continue
        if coupon.status != fields["status"]:
            coupon.status = fields["status"]
            if coupon.status == Coupon.Status.CLOSED and coupon.closed_at is None:
                coupon.closed_at = now
            updated += 1
        coupon.synced_at = now
        coupon.save(update_fields=["status", "closed_at", "synced_at"])
    return SyncResult(added=added, updated=updated)


def coupon_sync_accounts() -> list[LineAccount]:
    """The OAs the beat reads coupons for: every tenant's OA with a channel access token."""
    return [account for account in LineAccount.unscoped.all() if account.access_token]
