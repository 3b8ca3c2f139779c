"""A journey's goal reached: the friend did the goal event within the window.

Counted once per enrolment, with its revenue, attributed to the journey, to the split arm the
friend took (for conversion against the control path) and to the last send before it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from journeys.models.enrolment import Enrolment
from journeys.models.journey import Journey
from journeys.models.send import JourneySend
from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class Conversion(models.Model):
    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="+")
    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="conversion")
    friend = models.ForeignKey("segments.Friend", on_delete=models.CASCADE, related_name="+")
    last_send = models.ForeignKey(
        JourneySend, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The split arm (``control`` included) the friend took; empty without a split.
    arm = models.CharField(_("path"), max_length=40, blank=True)
    revenue = models.DecimalField(_("revenue"), max_digits=14, decimal_places=2, default=0)
    activity_id = models.BigIntegerField(_("goal activity"), null=True, blank=True)
    at = models.DateTimeField(_("converted at"))

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("conversion")
        verbose_name_plural = _("conversions")
        indexes = [models.Index(fields=["journey", "at"], name="journey_conversion_idx")]

    def __str__(self) -> str:
        return f"{self.journey_id}: {self.friend_id} ({self.revenue})"
