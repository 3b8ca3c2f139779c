"""The journal of a friend's way through a journey: one row per thing that happened at a node.

It is the friend's journey timeline on their page and the source of the per-node figures
(entered, waiting, passed on each path, sent, goal reached) on the stats view.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from journeys.models.enrolment import Enrolment
from journeys.models.journey import Journey
from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class EnrolmentStep(models.Model):
    class Kind(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        ENTERED = "entered", _("Reached the step")
        WAITING = "waiting", _("Waiting")
        PASSED = "passed", _("Passed on")
        SENT = "sent", _("Sent")
        HELD = "held", _("Held back")
        FAILED = "failed", _("Failed")
        GOAL = "goal", _("Reached the goal")
        EXITED = "exited", _("Left the journey")
        COMPLETED = "completed", _("Finished the journey")

    # Account and journey lead the composite indexes below, so neither has one of its own:
    # three journal lines per enrolment keep two fewer indexes up to date, and the planner
    # cannot pick a lone account index while the table's statistics lag (see Enrolment).
    account = models.ForeignKey(
        LineAccount, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="+", db_index=False)
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="steps")
    friend = models.ForeignKey("segments.Friend", on_delete=models.CASCADE, related_name="+")
    node_id = models.CharField(_("node"), max_length=40, blank=True)
    kind = models.CharField(_("what happened"), max_length=10, choices=Kind.choices)
    # The path taken out of the node (``next``, ``yes``, ``matched``, a split's arm ...).
    outlet = models.CharField(_("path"), max_length=40, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    at = models.DateTimeField(_("at"))

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("journey step")
        verbose_name_plural = _("journey steps")
        indexes = [
            models.Index(fields=["journey", "node_id", "kind"], name="journey_step_stats_idx"),
            models.Index(fields=["account", "friend", "at"], name="journey_step_friend_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} at {self.node_id or '-'}"
