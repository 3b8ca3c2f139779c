"""When an OA's team is at work: weekly windows in the OA's time zone and closed dates."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class BusinessHours(models.Model):
    """``windows``: ``[{"weekday": 0..6 (Monday 0), "start": "HH:MM", "end": "HH:MM"}]`` with
    ``end`` after ``start`` ("24:00" ends at midnight); ``closed_dates``: ``["YYYY-MM-DD"]``.
    Read by ``inbox.autoreplies.hours.business_hours_open``; an OA without a row (or without
    any window) has no business hours set and counts as always open."""

    account = models.OneToOneField(LineAccount, on_delete=models.CASCADE, related_name="+")
    windows = models.JSONField(_("opening hours"), default=list, blank=True)
    closed_dates = models.JSONField(_("closed dates"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    def __str__(self) -> str:
        return f"business hours of account {self.account_id}"
