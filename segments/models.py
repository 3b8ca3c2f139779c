"""Friends of an OA and the facts they are derived from (status changes and interactions)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager

# LINE user, group and room ids are 33 characters; a little room for ids of future sources.
LINE_ID_MAX = 64
# webhookEventId is a 26-character ULID; other sources of facts (imports) bring their own keys.
EVENT_KEY_MAX = 64


class Friend(models.Model):
    """The CRM contact: one LINE user who follows (or once followed) one OA.

    Status and the follow/interaction summaries are denormalised for fast lists and segment
    queries; ``segments.services.friends_recompute`` rebuilds them from the fact tables.
    """

    class Status(models.TextChoices):
        FOLLOWING = "following", _("Following")
        BLOCKED = "blocked", _("Blocked")

    class ProfileStatus(models.TextChoices):
        PENDING = "pending", _("Not fetched yet")
        FETCHED = "fetched", _("Fetched")
        FAILED = "failed", _("Failed")
        UNAVAILABLE = "unavailable", _("Unavailable")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="friends")
    line_user_id = models.CharField(_("LINE user ID"), max_length=LINE_ID_MAX)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.FOLLOWING
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    first_followed_at = models.DateTimeField(_("first followed at"), null=True, blank=True)
    last_followed_at = models.DateTimeField(_("last followed at"), null=True, blank=True)
    blocked_at = models.DateTimeField(_("blocked at"), null=True, blank=True)
    times_unblocked = models.PositiveIntegerField(_("times unblocked"), default=0)
    last_interaction_at = models.DateTimeField(_("last interaction at"), null=True, blank=True)
    message_count = models.PositiveIntegerField(_("messages received"), default=0)

    display_name = models.CharField(_("display name"), max_length=200, blank=True)
    picture_url = models.URLField(_("picture URL"), max_length=1000, blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)
    status_message = models.TextField(_("status message"), blank=True)
    profile_status = models.CharField(
        _("profile"), max_length=12, choices=ProfileStatus.choices, default=ProfileStatus.PENDING
    )
    profile_fetched_at = models.DateTimeField(null=True, blank=True)
    profile_attempts = models.PositiveSmallIntegerField(default=0)
    profile_error = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["-last_followed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "line_user_id"], name="uniq_friend_per_account"
            ),
        ]
        indexes = [
            models.Index(
                fields=["account", "status", "last_followed_at"], name="friend_status_idx"
            ),
            models.Index(fields=["account", "last_interaction_at"], name="friend_last_seen_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.line_user_id


class FriendStatusChange(models.Model):
    """One follow or block (unfollow) of a friend, as LINE reported it.

    ``sequence`` breaks ties between events of the same millisecond in the order they were
    received, so a follow and an unfollow at the same instant resolve the way LINE sent them.
    """

    class Kind(models.TextChoices):
        FOLLOW = "follow", _("Followed")
        UNFOLLOW = "unfollow", _("Blocked")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    friend = models.ForeignKey(Friend, on_delete=models.CASCADE, related_name="status_changes")
    event_key = models.CharField(max_length=EVENT_KEY_MAX)
    kind = models.CharField(_("change"), max_length=10, choices=Kind.choices)
    is_unblock = models.BooleanField(_("unblocked"), default=False)
    occurred_at = models.DateTimeField(_("time"))
    sequence = models.BigIntegerField(default=0)
    mode = models.CharField(max_length=10, default="active")

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["-occurred_at", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "event_key"], name="uniq_status_change_event"
            ),
        ]
        indexes = [
            models.Index(
                fields=["friend", "occurred_at", "sequence"], name="status_change_friend_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_at:%Y-%m-%d %H:%M}"


class Interaction(models.Model):
    """One thing a user did that a segment or a metric can use (a message, a postback, ...).

    Events from groups and rooms keep their group/room id and the speaking user's id but are not
    tied to a friend: a group is not a contact of the OA.
    """

    class Kind(models.TextChoices):
        MESSAGE = "message", _("Message")
        MESSAGE_EDITED = "message_edited", _("Message edited")
        UNSEND = "unsend", _("Message unsent")
        POSTBACK = "postback", _("Postback")
        BEACON = "beacon", _("Beacon")
        VIDEO_PLAY_COMPLETE = "video_play_complete", _("Video watched")
        ACCOUNT_LINK = "account_link", _("Account link")
        MEMBERSHIP = "membership", _("Membership")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    friend = models.ForeignKey(
        Friend, on_delete=models.CASCADE, null=True, blank=True, related_name="interactions"
    )
    event_key = models.CharField(max_length=EVENT_KEY_MAX)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("time"))
    mode = models.CharField(max_length=10, default="active")
    line_user_id = models.CharField(max_length=LINE_ID_MAX, blank=True)
    group_id = models.CharField(max_length=LINE_ID_MAX, blank=True)
    room_id = models.CharField(max_length=LINE_ID_MAX, blank=True)
    message_type = models.CharField(_("message type"), max_length=24, blank=True)
    message_id = models.CharField(max_length=LINE_ID_MAX, blank=True)
    # Kept for the future chat inbox; edited messages show their latest text.
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    unsent_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["account", "event_key"], name="uniq_interaction_event"),
        ]
        indexes = [
            models.Index(fields=["friend", "occurred_at"], name="interaction_friend_idx"),
            models.Index(fields=["account", "kind", "occurred_at"], name="interaction_kind_idx"),
            models.Index(fields=["account", "message_id"], name="interaction_message_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_at:%Y-%m-%d %H:%M}"
