"""Runs that read LINE's follower list into friends."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class FollowerSync(models.Model):
    """One read of LINE's follower id list for an OA (``GET /v2/bot/followers/ids``), page by
    page, with the progress the settings page polls and the API returns.

    ``next_token`` is LINE's continuation token of the next page to read, saved with each page,
    so a sync that waits for LINE's rate limit resumes where it stopped instead of restarting.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Reading LINE's follower list")
        WAITING = "waiting", _("Waiting for LINE's rate limit")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused by LINE")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        CONNECT = "connect", _("OA connected")
        MANUAL = "manual", _("Sync now")
        NIGHTLY = "nightly", _("Nightly")
        COMMAND = "command", _("Command line")
        API = "api", _("API")
        DEMO = "demo", _("Demo data")

    ACTIVE = (Status.QUEUED, Status.RUNNING, Status.WAITING)

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    trigger = models.CharField(_("started by"), max_length=10, choices=Trigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    next_token = models.TextField(blank=True)
    pages_read = models.PositiveIntegerField(_("pages read"), default=0)
    ids_seen = models.PositiveIntegerField(_("ids seen"), default=0)
    friends_added = models.PositiveIntegerField(_("friends added"), default=0)
    friends_unfollowed = models.PositiveIntegerField(_("friends marked unfollowed"), default=0)
    rate_limited = models.PositiveSmallIntegerField(_("rate-limited answers"), default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One sync at a time per OA: a second request gets the running one back.
            models.UniqueConstraint(
                fields=["account"],
                condition=models.Q(status__in=["queued", "running", "waiting"]),
                name="uniq_active_follower_sync",
            ),
        ]
        indexes = [models.Index(fields=["account", "created_at"], name="follower_sync_idx")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.status} {self.pages_read} pages"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE
