"""How a coupon reads to a marketer: its reward in words, its limits in words."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from coupons.line_terms import NO_LIMIT, TIMEZONES
from coupons.models import Coupon


def _amount(value: int | None, currency: str) -> str:
    text = number_format(value or 0, force_grouping=True)
    return f"{text} {currency}" if currency else text


def reward_text(coupon: Coupon) -> str:
    """ "10% off", "500 off", "1,200 → 900", "5% cash back", "Free item", "Gift"."""
    cash_back = coupon.reward == Coupon.Reward.CASH_BACK
    if coupon.price_type == "percentage" and coupon.percentage is not None:
        template = _("%(value)s%% cash back") if cash_back else _("%(value)s%% off")
        return template % {"value": coupon.percentage}
    if coupon.price_type == "fixed" and coupon.fixed_amount is not None:
        template = _("%(value)s cash back") if cash_back else _("%(value)s off")
        return template % {"value": _amount(coupon.fixed_amount, coupon.currency)}
    if coupon.price_type == "explicit" and coupon.original_price is not None:
        return _("%(before)s, now %(after)s") % {
            "before": _amount(coupon.original_price, coupon.currency),
            "after": _amount(coupon.price_after_discount, coupon.currency),
        }
    return str(coupon.get_reward_display())


def acquisition_text(coupon: Coupon) -> str:
    if coupon.acquisition != Coupon.Acquisition.LOTTERY:
        return str(coupon.get_acquisition_display())
    if coupon.max_acquire_count in (None, NO_LIMIT):
        return _("Lottery: %(chance)s%% chance, no limit on winners") % {
            "chance": coupon.lottery_probability
        }
    return _("Lottery: %(chance)s%% chance, up to %(count)s winners") % {
        "chance": coupon.lottery_probability,
        "count": number_format(coupon.max_acquire_count, force_grouping=True),
    }


def uses_text(coupon: Coupon) -> str:
    if coupon.max_use_count_per_ticket == NO_LIMIT:
        return _("Any number of times")
    return _("Once")


def timezone_name(coupon: Coupon) -> str:
    return TIMEZONES.get(coupon.timezone, coupon.timezone)
