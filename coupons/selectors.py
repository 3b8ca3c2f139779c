"""Reads of coupons: the list and one coupon, and the coupons a message may carry."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from coupons.display import reward_text
from coupons.models import Coupon, CouponSync
from coupons.sent import SentCount, coupon_sent_counts, sources
from oa_console.models import LineAccount


def coupon_list(*, account: LineAccount, status: str = "") -> QuerySet[Coupon]:
    """The OA's coupons, newest first; ``status`` (DRAFT, RUNNING, CLOSED) narrows them."""
    coupons = Coupon.objects.for_account(account)
    if status:
        coupons = coupons.filter(status=status)
    return coupons.order_by("-created_at", "-id")


def coupon_sync_latest(*, account: LineAccount) -> CouponSync | None:
    """The last read of the OA's coupons from LINE, None before the first."""
    return CouponSync.objects.for_account(account).first()


def coupon_get(*, account: LineAccount, coupon_id: int) -> Coupon | None:
    return Coupon.objects.for_account(account).filter(pk=coupon_id).first()


def coupons_sendable(*, account: LineAccount) -> QuerySet[Coupon]:
    """The coupons a message may carry now: running in LINE and not yet ended."""
    return (
        Coupon.objects.for_account(account)
        .filter(status=Coupon.Status.RUNNING, ends_at__gt=timezone.now())
        .order_by("ends_at", "id")
    )


def coupon_refusal(*, account: LineAccount, line_coupon_id: str) -> str:
    """Why a message may not carry the coupon of this LINE id ("" when it may): a closed or
    ended coupon would show friends a dead coupon. An id the console does not know (created
    in LINE Official Account Manager and not yet read) is LINE's to judge."""
    coupon = (
        Coupon.objects.for_account(account).filter(line_coupon_id=line_coupon_id.strip()).first()
    )
    if coupon is None:
        return ""
    if coupon.status == Coupon.Status.CLOSED:
        return _("The coupon “%(title)s” is closed: friends could no longer get it.") % {
            "title": coupon.title
        }
    if coupon.ends_at <= timezone.now():
        return _("The coupon “%(title)s” has ended: friends could no longer use it.") % {
            "title": coupon.title
        }
    if coupon.status != Coupon.Status.RUNNING:
        return _("The coupon “%(title)s” is not running in LINE yet.") % {"title": coupon.title}
    return ""


def coupon_message_refusals(*, account: LineAccount, messages) -> list[tuple[int, str]]:
    """``(index, why)`` for each coupon message among ``messages`` (LINE message objects) that
    may not be sent now: its coupon is closed or has ended (``coupon_refusal``)."""
    refusals = []
    for index, message in enumerate(messages if isinstance(messages, list) else []):
        if isinstance(message, dict) and message.get("type") == "coupon":
            why = coupon_refusal(account=account, line_coupon_id=str(message.get("couponId", "")))
            if why:
                refusals.append((index, why))
    return refusals


def coupon_choices(*, account: LineAccount, current=()) -> list[tuple[str, str]]:
    """The picker of coupon messages: the coupons that may be sent now, by title, and any id
    already chosen that is not among them (kept, so a form shown again does not lose it; its
    check then says why it may not be sent)."""
    choices = [
        (c.line_coupon_id, f"{c.title} · {reward_text(c)}")
        for c in coupons_sendable(account=account)
    ]
    known = {value for value, _label in choices}
    for value in current:
        if value and value not in known:
            choices.append((value, value))
            known.add(value)
    return [("", "—"), *choices]


def coupon_refusals_by_id(*, account: LineAccount) -> dict[str, str]:
    """LINE coupon id -> why a message may not carry it, for the OA's coupons that are closed
    or have ended (read once for a check of many messages, such as a journey's graph)."""
    now = timezone.now()
    ended = Coupon.objects.for_account(account).filter(
        Q(status=Coupon.Status.CLOSED) | Q(ends_at__lte=now)
    )
    return {
        coupon.line_coupon_id: coupon_refusal(account=account, line_coupon_id=coupon.line_coupon_id)
        for coupon in ended
    }


def coupon_sent_rows(*, account: LineAccount) -> list[dict]:
    """The OA's coupons, newest first, each with what every sending app sent of it (for the
    Coupons insight): ``{"coupon", "status", "by_source": [SentCount per source], "total"}``."""
    counts = coupon_sent_counts(account=account)
    rows = []
    for coupon in coupon_list(account=account):
        sent = counts.get(coupon.line_coupon_id, {})
        by_source = [sent.get(source.key, SentCount()) for source in sources()]
        total = SentCount()
        for count in by_source:
            total = total + count
        rows.append({"coupon": coupon, "by_source": by_source, "total": total})
    return rows
