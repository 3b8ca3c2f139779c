"""Each OA's sending rules: the frequency cap and quiet hours.

They were broadcasts' until journeys, a sibling of broadcasts, had to apply them too; they moved
down to segments keeping their table and constraint (migrations segments 0012 and broadcasts
0016 only move the model in Django's state)."""

from __future__ import annotations

from datetime import time

from django.db import models
from django.utils.translation import gettext_lazy as _

from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


def default_quiet_start() -> time:
    """Quiet hours begin at 22:00 unless the OA says otherwise.

    A callable, not ``time(22, 0)``: Django warns (fields.W161) about a fixed time default
    whenever the check runs within ten seconds of that time of day, which failed CI's deploy
    check at 08:00."""
    return time(22, 0)


def default_quiet_end() -> time:
    """Quiet hours end at 08:00 unless the OA says otherwise (callable: see above)."""
    return time(8, 0)


class SendingRules(models.Model):
    """Per-OA protection of friends from too many messages: a frequency cap over a rolling
    window and a nightly quiet period in the OA's time zone. Every send path (broadcasts and
    journeys) honours both."""

    account = models.OneToOneField(
        LineAccount, on_delete=models.CASCADE, related_name="sending_rules"
    )
    cap_enabled = models.BooleanField(_("frequency cap on"), default=True)
    cap_messages = models.PositiveSmallIntegerField(_("at most this many messages"), default=2)
    cap_days = models.PositiveSmallIntegerField(_("per this many days"), default=7)
    quiet_enabled = models.BooleanField(_("quiet hours on"), default=True)
    quiet_start = models.TimeField(_("quiet from"), default=default_quiet_start)
    quiet_end = models.TimeField(_("quiet until"), default=default_quiet_end)
    # LINE's per-unit statistics (customAggregationUnits) for multicast and push: the only
    # way LINE reports on them, so on by default; LINE allows units only for accounts that
    # applied, and a refusal sends without one (services.aggregation).
    use_aggregation_units = models.BooleanField(
        _("Count multicast and push sends with LINE aggregation units"),
        default=True,
        help_text=_(
            "LINE then reports unique impressions and clicks for broadcasts sent by multicast "
            "or push. LINE allows this only for accounts that applied for it, and limits the "
            "number of units used per month; when LINE refuses a unit, the broadcast is sent "
            "without one."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        db_table = "broadcasts_sendingrules"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cap_messages__gte=1, cap_days__gte=1), name="sending_cap_valid"
            )
        ]

    def __str__(self) -> str:
        return f"sending rules of {self.account_id}"
