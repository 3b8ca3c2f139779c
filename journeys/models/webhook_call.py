"""A webhook node's call for one enrolment's step, made outside the runner's transaction.

The runner must not wait for a brand's endpoint (up to 30 s, several retries) while it holds a
batch of a thousand enrolments locked: the webhook node writes this row and parks the
enrolment, and the webhook task (``engine.webhook_calls``) makes the call with no transaction
open, records the answer here and hands the enrolment back to the runner, which takes ``next``
or ``failed`` and deletes the row.

``due_at`` is when a pending call is to be made: at first at once, after a failure its
back-off, and while a worker makes it a lease (the timeout and a margin) after which another
worker calls again if the first one died. The delivery id (the enrolment and its step) is the
same on every attempt, so the brand can drop a repeat.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from journeys.models.enrolment import Enrolment
from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class WebhookCall(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    # The enrolment's step at the webhook node: the call belongs to that visit only.
    step = models.PositiveIntegerField()
    node_id = models.CharField(_("node"), max_length=40)
    # The signed body, built once when the friend reached the node: every attempt sends it.
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    # When done: ``ok``, the HTTP status, the JSON answer, or the failure's code and error.
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        verbose_name = _("webhook call")
        verbose_name_plural = _("webhook calls")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "step"], name="uniq_webhook_call_step")
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=models.Q(status="pending"),
                name="webhook_call_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"webhook {self.delivery_id} ({self.status})"

    @property
    def delivery_id(self) -> str:
        """``X-OA-Console-Delivery``: the same on every attempt of this call."""
        return f"{self.enrolment_id}-{self.step}"
