"""The new-coupon form: every field checked in place against LINE's limits (messaging-api.yml,
``CouponCreateRequest``) before LINE is asked, so LINE's own refusals are rare and land on the
same fields (``services.line_refusal``)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from coupons import line_terms as terms
from coupons.models import Coupon
from coupons.services import CouponInput
from coupons.validation import PRICE_KINDS, cross_field_errors


def kinds_of(reward: str | None) -> set[str] | None:
    return PRICE_KINDS.get(reward or "")


DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
REWARDS = [(value, label) for value, label in Coupon.Reward.choices]
PRICES = [
    ("percentage", gettext_lazy("Percentage off (or back)")),
    ("fixed", gettext_lazy("Fixed amount off (or back)")),
    ("explicit", gettext_lazy("Price before and after (discounts only)")),
]
USES = [("1", gettext_lazy("Once")), ("-1", gettext_lazy("Any number of times"))]
ACQUISITIONS = [
    (Coupon.Acquisition.NORMAL.value, Coupon.Acquisition.NORMAL.label),
    (Coupon.Acquisition.LOTTERY.value, Coupon.Acquisition.LOTTERY.label),
]
VISIBILITIES = [
    (Coupon.Visibility.PUBLIC.value, Coupon.Visibility.PUBLIC.label),
    (Coupon.Visibility.UNLISTED.value, Coupon.Visibility.UNLISTED.label),
]
TIMEZONES = sorted(((key, iana) for key, iana in terms.TIMEZONES.items()), key=lambda c: c[1])


class CouponForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=terms.TITLE_MAX)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=terms.DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    usage_condition = forms.CharField(
        label=gettext_lazy("Conditions of use"),
        max_length=terms.USAGE_CONDITION_MAX,
        required=False,
        help_text=gettext_lazy("Shown to friends, e.g. “One per visit, not with other offers”."),
    )
    image_url = forms.URLField(
        label=gettext_lazy("Image URL"),
        max_length=2000,
        required=False,
        assume_scheme="https",
        help_text=gettext_lazy("An https address of the picture shown on the coupon."),
    )
    reward = forms.ChoiceField(label=gettext_lazy("Reward"), choices=REWARDS)
    price_type = forms.ChoiceField(
        label=gettext_lazy("Discount or cash back as"),
        choices=[("", "—"), *PRICES],
        required=False,
        help_text=gettext_lazy("For a discount or a cash back only."),
    )
    percentage = forms.IntegerField(
        label=gettext_lazy("Percentage"),
        min_value=terms.PERCENTAGE_MIN,
        max_value=terms.PERCENTAGE_MAX,
        required=False,
        help_text=gettext_lazy("1 to 99."),
    )
    fixed_amount = forms.IntegerField(
        label=gettext_lazy("Amount"), min_value=1, max_value=terms.AMOUNT_MAX, required=False
    )
    original_price = forms.IntegerField(
        label=gettext_lazy("Original price"),
        min_value=1,
        max_value=terms.AMOUNT_MAX,
        required=False,
    )
    price_after_discount = forms.IntegerField(
        label=gettext_lazy("Price after discount"),
        min_value=0,
        max_value=terms.AMOUNT_MAX,
        required=False,
    )
    starts_at = forms.DateTimeField(label=gettext_lazy("Valid from"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=gettext_lazy("Valid until"), widget=DATETIME)
    timezone = forms.ChoiceField(
        label=gettext_lazy("Time zone"),
        choices=TIMEZONES,
        help_text=gettext_lazy("The dates above are in this time zone."),
    )
    max_use_count_per_ticket = forms.ChoiceField(
        label=gettext_lazy("Each coupon can be used"), choices=USES, initial="1"
    )
    acquisition = forms.ChoiceField(
        label=gettext_lazy("Who gets it"), choices=ACQUISITIONS, initial="normal"
    )
    lottery_probability = forms.IntegerField(
        label=gettext_lazy("Chance of winning (%)"),
        min_value=terms.LOTTERY_PROBABILITY_MIN,
        max_value=terms.LOTTERY_PROBABILITY_MAX,
        required=False,
        help_text=gettext_lazy("Lottery only: 1 to 99."),
    )
    max_acquire_count = forms.IntegerField(
        label=gettext_lazy("Coupons available"),
        min_value=1,
        max_value=terms.ACQUIRE_COUNT_MAX,
        required=False,
        help_text=gettext_lazy("Lottery only: up to 999,999 winners; empty for no limit."),
    )
    visibility = forms.ChoiceField(
        label=gettext_lazy("Visibility"), choices=VISIBILITIES, initial="UNLISTED"
    )

    def __init__(self, *args, account=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if account is not None and not self.is_bound and "timezone" not in self.initial:
            self.initial["timezone"] = terms.line_timezone_for(account.time_zone)

    def _moment(self, name: str, zone: ZoneInfo) -> dt.datetime | None:
        """The entered wall-clock time read in the coupon's time zone (not the browser's)."""
        value = self.cleaned_data.get(name)
        if value is None:
            return None
        naive = timezone.make_naive(value) if timezone.is_aware(value) else value
        return naive.replace(tzinfo=zone)

    def clean(self) -> dict:
        data = super().clean()
        zone = ZoneInfo(terms.TIMEZONES.get(data.get("timezone") or "", "Asia/Tokyo"))
        starts, ends = self._moment("starts_at", zone), self._moment("ends_at", zone)
        if starts and ends:
            data["starts_at"], data["ends_at"] = starts, ends
        for name, message in cross_field_errors(data, already=set(self.errors)).items():
            if name not in self.errors:
                self.add_error(name, message)
        if kinds_of(data.get("reward")) is None:
            data["price_type"] = ""
        return data

    def coupon_input(self) -> CouponInput:
        data = self.cleaned_data
        price = data["price_type"]
        lottery = data["acquisition"] == "lottery"
        return CouponInput(
            title=data["title"],
            description=data["description"],
            usage_condition=data["usage_condition"],
            image_url=data["image_url"],
            reward=data["reward"],
            price_type=price,
            percentage=data["percentage"] if price == "percentage" else None,
            fixed_amount=data["fixed_amount"] if price == "fixed" else None,
            original_price=data["original_price"] if price == "explicit" else None,
            price_after_discount=data["price_after_discount"] if price == "explicit" else None,
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            timezone=data["timezone"],
            visibility=data["visibility"],
            max_use_count_per_ticket=int(data["max_use_count_per_ticket"]),
            acquisition=data["acquisition"],
            lottery_probability=data["lottery_probability"] if lottery else None,
            max_acquire_count=data["max_acquire_count"] if lottery else None,
        )

    @staticmethod
    def initial_for(coupon: Coupon) -> dict:
        """A copy of ``coupon`` to create anew (LINE forbids editing): same fields, and a
        validity starting now when the original's has begun."""
        zone = ZoneInfo(terms.TIMEZONES.get(coupon.timezone, "Asia/Tokyo"))
        starts = max(coupon.starts_at, timezone.now())
        fields = [
            "title", "description", "usage_condition", "image_url", "reward", "price_type",
            "percentage", "fixed_amount", "original_price", "price_after_discount", "timezone",
            "acquisition", "lottery_probability", "max_acquire_count",
        ]  # fmt: skip
        initial = {name: getattr(coupon, name) for name in fields}
        acquisition = coupon.acquisition if coupon.acquisition == "lottery" else "normal"
        visibility = coupon.visibility if coupon.visibility == "PUBLIC" else "UNLISTED"
        initial.update(
            acquisition=acquisition,
            visibility=visibility,
            max_use_count_per_ticket=str(coupon.max_use_count_per_ticket),
            starts_at=starts.astimezone(zone).replace(tzinfo=None),
            ends_at=coupon.ends_at.astimezone(zone).replace(tzinfo=None),
        )
        if initial["max_acquire_count"] == terms.NO_LIMIT:
            initial["max_acquire_count"] = None
        return initial
