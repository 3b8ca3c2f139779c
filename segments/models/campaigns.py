"""Campaign links (trackable add-friend URLs) and the visits they bring."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager
from segments.models.friends import EVENT_KEY_MAX, Friend


class CampaignLink(models.Model):
    """A tracked add-friend link of one campaign (a poster's QR code, a banner's link).

    The console's public URL ``/a/<token>`` records a visit and redirects to the OA's add-friend
    URL. LINE's follow event carries nothing of ours, so a follow is attributed to a visit by
    time (``segments.campaigns``); the friend then gets ``source`` as add-friend source.
    """

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    source = models.CharField(
        _("add-friend source"),
        max_length=64,
        help_text=_("Given to the friends the link brings (the add-friend source field)."),
    )
    # Global (the public URL names no OA) and unguessable, so links cannot be enumerated.
    token = models.CharField(max_length=24, unique=True)
    created_by = models.ForeignKey(
        "oa_console.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="uniq_campaign_link_name"),
        ]

    def __str__(self) -> str:
        return self.name


class CampaignVisit(models.Model):
    """One opening of a campaign link; ``friend`` is set when a new friend's follow was
    attributed to it (each visit explains at most one follow, each follow at most one visit)."""

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    link = models.ForeignKey(CampaignLink, on_delete=models.CASCADE, related_name="visits")
    visited_at = models.DateTimeField(_("visited at"))
    friend = models.ForeignKey(
        Friend, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    follow_event_key = models.CharField(max_length=EVENT_KEY_MAX, blank=True)
    followed_at = models.DateTimeField(_("followed at"), null=True, blank=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["-visited_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "follow_event_key"],
                condition=~models.Q(follow_event_key=""),
                name="uniq_campaign_visit_follow",
            ),
        ]
        indexes = [
            # Attribution looks for the latest unclaimed visit of the OA before a follow.
            models.Index(fields=["account", "visited_at"], name="campaign_visit_time_idx"),
            models.Index(fields=["link", "visited_at"], name="campaign_visit_link_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.link_id} {self.visited_at:%Y-%m-%d %H:%M}"
