"""The checks of a new coupon that span fields (LINE's rules between them), shared by the form
and the API so both refuse the same coupons with the same words before LINE is asked."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

# Each reward kind's price kinds (LINE's discriminators): free, gift and others carry none.
PRICE_KINDS = {"discount": {"percentage", "fixed", "explicit"}, "cashBack": {"percentage", "fixed"}}
PRICE_FIELDS = {
    "percentage": ["percentage"],
    "fixed": ["fixed_amount"],
    "explicit": ["original_price", "price_after_discount"],
}


def cross_field_errors(values: dict, *, already: set[str] = frozenset()) -> dict[str, str]:
    """Field -> why, for ``values`` (the coupon's fields, datetimes aware). ``already`` names
    fields that have an error of their own (not reported twice)."""
    errors: dict[str, str] = {}
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if starts and ends:
        if ends <= starts:
            errors["ends_at"] = _("The coupon must end after it starts.")
        elif ends <= timezone.now():
            errors["ends_at"] = _("This time has passed: friends could never use it.")
    kinds = PRICE_KINDS.get(values.get("reward") or "")
    price = values.get("price_type") or ""
    if kinds is not None:
        if price not in kinds:
            errors["price_type"] = _("Choose how the discount or cash back is given.")
        else:
            for name in PRICE_FIELDS[price]:
                if values.get(name) is None and name not in already:
                    errors[name] = _("Enter this for the reward you chose.")
            original, after = values.get("original_price"), values.get("price_after_discount")
            if price == "explicit" and None not in (original, after) and after >= original:
                errors["price_after_discount"] = _(
                    "The price after discount must be below the original."
                )
    lottery = values.get("acquisition") == "lottery"
    if (
        lottery
        and values.get("lottery_probability") is None
        and "lottery_probability" not in already
    ):
        errors["lottery_probability"] = _("A lottery needs a chance of winning.")
    return errors
