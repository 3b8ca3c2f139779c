"""One friend's way through one version of a journey.

Workers claim due rows (``next_run_at`` passed, state active or waiting) in batches with
``FOR UPDATE SKIP LOCKED``; the partial index below holds exactly those rows, so claiming stays
fast with a million finished enrolments beside them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from journeys.models.journey import Journey
from journeys.models.version import JourneyVersion
from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class Enrolment(models.Model):
    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        WAITING = "waiting", _("Waiting")
        COMPLETED = "completed", _("Completed")
        EXITED = "exited", _("Exited")
        FAILED = "failed", _("Failed")

    IN_FLIGHT = (State.ACTIVE, State.WAITING)

    # No index of their own on account and journey: the composite indexes below lead with
    # them. A lone one is worse than none: while the table grows fast (a fresh journey taking
    # 1,000 events a second) its statistics lag, and PostgreSQL then read every enrolment of
    # the OA through it to find a thousand friends' rows, slower with each batch.
    account = models.ForeignKey(
        LineAccount, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # The journey beside its version: re-entry and dedupe rules hold across versions.
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="+", db_index=False)
    version = models.ForeignKey(JourneyVersion, on_delete=models.PROTECT, related_name="+")
    friend = models.ForeignKey("segments.Friend", on_delete=models.CASCADE, related_name="+")
    node_id = models.CharField(_("current node"), max_length=40)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ACTIVE)
    next_run_at = models.DateTimeField(_("next step at"), null=True, blank=True)
    trigger_properties = models.JSONField(_("trigger properties"), default=dict, blank=True)
    # From the entry rules' dedupe property (e.g. the cart id); empty without one.
    dedupe_key = models.CharField(_("dedupe key"), max_length=200, blank=True, default="")
    entered_at = models.DateTimeField(_("entered at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # How many nodes the friend has reached: a send's exactly-once key is (enrolment, step),
    # since a loop may bring the friend to the same node again.
    step = models.PositiveIntegerField(default=0)
    # The event a wait-for-event node waits for (the hub wakes the enrolment when it comes).
    waiting_for = models.CharField(_("waiting for"), max_length=64, blank=True, default="")
    # Until when the journey's goal counts (None: no goal, or its window closed).
    goal_until = models.DateTimeField(_("goal counts until"), null=True, blank=True)
    # The split arm the friend took ("control" included): conversion per arm.
    arm = models.CharField(_("path"), max_length=40, blank=True, default="")
    # Retries of the current node (a webhook that failed, a send LINE asked to retry).
    attempts = models.PositiveSmallIntegerField(default=0)
    # "Test with one friend": waits shortened to seconds, sends go to that friend only.
    is_test = models.BooleanField(_("test run"), default=False)
    exit_reason = models.CharField(_("why it ended"), max_length=40, blank=True, default="")

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["journey", "friend", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="uniq_enrolment_dedupe_key",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True)
                | models.Q(state__in=["completed", "exited", "failed"]),
                name="enrolment_ended_only_when_done",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_run_at"],
                condition=models.Q(state__in=["active", "waiting"]),
                name="enrolment_due_idx",
            ),
            models.Index(fields=["journey", "friend", "state"], name="enrolment_friend_idx"),
            models.Index(fields=["account", "friend"], name="enrolment_account_friend_idx"),
            models.Index(
                fields=["account", "waiting_for", "friend"],
                condition=models.Q(state="waiting") & ~models.Q(waiting_for=""),
                name="enrolment_waiting_event_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.friend_id} in {self.journey_id} at {self.node_id} ({self.state})"
