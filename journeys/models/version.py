"""A published version of a journey's graph: what enrolled friends run on, never changed.

Editing an active journey publishes a new version; friends in flight keep theirs (or move at
nodes whose ids survive), so a version's graph must stay exactly as it was published.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from journeys.models.journey import Journey
from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class VersionImmutable(Exception):
    """A published version was about to be changed."""


class JourneyVersion(models.Model):
    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    graph = models.JSONField(_("graph"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    created_at = models.DateTimeField(_("published at"), auto_now_add=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("journey version")
        verbose_name_plural = _("journey versions")
        constraints = [
            models.UniqueConstraint(fields=["journey", "number"], name="uniq_journey_version"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="journey_version_from_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.journey_id} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise VersionImmutable(f"journey version {self.pk} is published and cannot change")
        super().save(*args, **kwargs)
