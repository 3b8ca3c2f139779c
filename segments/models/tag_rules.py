"""Rules that tag friends automatically, and the jobs that apply a rule to the friends already there."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager
from segments.models.tags import Tag


class TagRule(models.Model):
    """Tags friends automatically when an event matches (live as events are processed, or
    over past events on request)."""

    class Kind(models.TextChoices):
        POSTBACK = "postback", _("Postback data")
        KEYWORD = "keyword", _("Keyword in a message")
        ADD_SOURCE = "add_source", _("Add-friend source")
        CUSTOM_EVENT = "custom_event", _("Custom event")
        LINK_CLICK = "link_click", _("Clicked a link")

    class Match(models.TextChoices):
        EXACT = "exact", _("is exactly")
        CONTAINS = "contains", _("contains")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(_("when"), max_length=20, choices=Kind.choices)
    match = models.CharField(_("match"), max_length=10, choices=Match.choices, default="exact")
    pattern = models.CharField(_("value"), max_length=200)
    property_key = models.CharField(_("event property"), max_length=64, blank=True)
    property_value = models.CharField(_("property value"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_backfilled_at = models.DateTimeField(null=True, blank=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["tag__name", "pk"]
        indexes = [models.Index(fields=["account", "kind", "is_active"], name="tag_rule_kind_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_match_display()} {self.pattern}"


class TagRuleBackfill(models.Model):
    """One run of an auto-tag rule over past events, with progress the tags page polls."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(TagRule, on_delete=models.CASCADE, related_name="backfills")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("events to check"), default=0)
    processed = models.PositiveIntegerField(_("events checked"), default=0)
    tagged = models.PositiveIntegerField(_("friends newly tagged"), default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["rule", "created_at"], name="tag_rule_backfill_idx")]

    def __str__(self) -> str:
        return f"{self.rule_id} {self.status} {self.processed}/{self.total}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(self.processed * 100 / self.total) if self.total else 0
