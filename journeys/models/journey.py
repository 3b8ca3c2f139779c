"""A journey of one OA: its name, the graph being edited and its workflow state.

Marketers draft and submit; an admin activates (as with broadcasts). The graph being edited is
``draft_graph``; activating publishes it as a new ``JourneyVersion`` that friends then run on.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


def _user(label: str) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=label,
    )


class Journey(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        ARCHIVED = "archived", _("Archived")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    draft_graph = models.JSONField(_("graph being edited"), default=dict)
    # The version friends enter; None until the journey is first activated.
    active_version = models.ForeignKey(
        "journeys.JourneyVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("active version"),
    )
    # Why the journey paused itself (a disconnected LINE channel), shown on its page.
    paused_reason = models.CharField(_("pause reason"), max_length=300, blank=True)
    created_by = _user(_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_by = _user(_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    activated_by = _user(_("activated by"))
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    paused_by = _user(_("paused by"))
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    archived_by = _user(_("archived by"))
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("journey")
        verbose_name_plural = _("journeys")
        indexes = [models.Index(fields=["account", "status"], name="journey_account_status_idx")]

    def __str__(self) -> str:
        return self.name
