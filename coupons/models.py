"""The OA's coupons as LINE stores them (one row per LINE coupon id), created here or found by
the sync among those created in LINE Official Account Manager."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class Coupon(models.Model):
    """A LINE coupon. LINE forbids editing a coupon after creation, so every field but
    ``status`` and ``closed_at`` is written once (by the create, or by a sync that reads a
    coupon LINE holds); changing one means closing the coupon and creating a new one."""

    class Reward(models.TextChoices):
        DISCOUNT = "discount", _("Discount")
        CASH_BACK = "cashBack", _("Cash back")
        FREE = "free", _("Free item")
        GIFT = "gift", _("Gift")
        OTHERS = "others", _("Other reward")

    class Price(models.TextChoices):
        NONE = "", _("None")
        FIXED = "fixed", _("Fixed amount")
        PERCENTAGE = "percentage", _("Percentage")
        EXPLICIT = "explicit", _("Price after discount")

    class Acquisition(models.TextChoices):
        NORMAL = "normal", _("Everyone who opens it")
        LOTTERY = "lottery", _("Lottery")
        REFERRAL = "referral", _("Referral")

    class Visibility(models.TextChoices):
        PUBLIC = "PUBLIC", _("Public")
        UNLISTED = "UNLISTED", _("Unlisted (only by message or link)")
        PRIVATE = "PRIVATE", _("Private")

    class Status(models.TextChoices):
        DRAFT = "DRAFT", _("Draft")
        RUNNING = "RUNNING", _("Running")
        CLOSED = "CLOSED", _("Closed")

    class Origin(models.TextChoices):
        CONSOLE = "console", _("Created in the console")
        LINE = "line", _("Created in LINE Official Account Manager")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    line_coupon_id = models.CharField(_("LINE coupon ID"), max_length=100)
    title = models.CharField(_("title"), max_length=60)
    description = models.TextField(_("description"), blank=True)
    usage_condition = models.CharField(_("conditions of use"), max_length=100, blank=True)
    image_url = models.URLField(_("image URL"), max_length=2000, blank=True)
    barcode_image_url = models.URLField(_("barcode image URL"), max_length=2000, blank=True)
    coupon_code = models.CharField(_("coupon code"), max_length=100, blank=True)
    reward = models.CharField(_("reward"), max_length=10, choices=Reward.choices)
    price_type = models.CharField(
        _("price"), max_length=10, choices=Price.choices, blank=True, default=""
    )
    percentage = models.PositiveSmallIntegerField(_("percentage"), null=True, blank=True)
    fixed_amount = models.BigIntegerField(_("amount"), null=True, blank=True)
    original_price = models.BigIntegerField(_("original price"), null=True, blank=True)
    price_after_discount = models.BigIntegerField(_("price after discount"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)  # LINE's answer only
    starts_at = models.DateTimeField(_("valid from"))
    ends_at = models.DateTimeField(_("valid until"))
    timezone = models.CharField(_("time zone"), max_length=30)  # LINE's enum (line_terms)
    # 1 (once per ticket) or -1 (LINE's "no limit").
    max_use_count_per_ticket = models.IntegerField(_("uses per coupon"), default=1)
    max_ticket_per_user = models.BigIntegerField(_("coupons per friend"), null=True, blank=True)
    acquisition = models.CharField(
        _("who gets it"), max_length=10, choices=Acquisition.choices, default="normal"
    )
    lottery_probability = models.PositiveSmallIntegerField(
        _("chance of winning (%)"), null=True, blank=True
    )
    max_acquire_count = models.BigIntegerField(_("coupons available"), null=True, blank=True)
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    line_created_at = models.DateTimeField(_("created in LINE"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    synced_at = models.DateTimeField(_("read from LINE"), null=True, blank=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "line_coupon_id"], name="coupon_line_id_per_account"
            )
        ]
        indexes = [models.Index(fields=["account", "status", "-created_at"], name="coupon_list")]

    def __str__(self) -> str:
        return self.title


class CouponSync(models.Model):
    """The last read of an OA's coupons from LINE (the hourly beat's or a user's): the coupons
    page says how fresh its list is and, when the last read failed, why."""

    account = models.OneToOneField(LineAccount, on_delete=models.CASCADE, related_name="+")
    attempted_at = models.DateTimeField(_("last read attempted"))
    succeeded_at = models.DateTimeField(_("last read"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    def __str__(self) -> str:
        return f"{self.account_id}: {self.error or 'ok'}"

    @property
    def failed(self) -> bool:
        """The last attempt failed (the list shows the read before it, if any)."""
        return bool(self.error)
