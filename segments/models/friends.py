"""The CRM contact (one LINE user of one OA), its follow/block history and the tombstone an erasure leaves."""

from __future__ import annotations

from django.conf import settings
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

    class Gender(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")

    class Source(models.TextChoices):
        """How the console learned of the friend (not the add-friend source)."""

        WEBHOOK = "webhook", _("Webhook event")
        FOLLOWER_LIST = "follower_list", _("LINE follower list")

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

    # First-party data: set by the member data import, the API and account-link events.
    member_id = models.CharField(_("member ID"), max_length=128, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    region = models.CharField(_("region"), max_length=32, blank=True)
    member_tier = models.CharField(_("member tier"), max_length=64, blank=True)
    add_source = models.CharField(_("add-friend source"), max_length=64, blank=True)
    source = models.CharField(
        _("known from"), max_length=16, choices=Source.choices, default=Source.WEBHOOK
    )
    # LINE's follower list (segments.services.follower_syncs): when a sync last read this friend in it, and
    # when a complete list last came without them. ``friends_recompute`` weighs these against
    # the webhook's follow/unfollow facts by time, the later one deciding the status.
    listed_at = models.DateTimeField(_("last in LINE's follower list"), null=True, blank=True)
    unlisted_at = models.DateTimeField(
        _("missing from LINE's follower list since"), null=True, blank=True
    )
    profile_status = models.CharField(
        _("profile"), max_length=12, choices=ProfileStatus.choices, default=ProfileStatus.PENDING
    )
    profile_fetched_at = models.DateTimeField(null=True, blank=True)
    profile_attempts = models.PositiveSmallIntegerField(default=0)
    profile_error = models.TextField(blank=True)
    # Set when the friend's personal data was erased on request (``segments.personal_data``):
    # the row stays, anonymous (a random ``line_user_id``, no profile), so that the counts built
    # on it do not change; the console never sends to it again.
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)

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
            models.UniqueConstraint(
                fields=["account", "member_id"],
                condition=~models.Q(member_id=""),
                name="uniq_friend_member_id",
            ),
        ]
        indexes = [
            models.Index(
                fields=["account", "status", "last_followed_at"], name="friend_status_idx"
            ),
            models.Index(fields=["account", "last_interaction_at"], name="friend_last_seen_idx"),
            # Segment counts: every count joins the OA's friends to what the rules select and
            # reads status (reachable) and often the last interaction; this narrow index lets
            # PostgreSQL read those from a quarter of the table's pages (index-only scan).
            models.Index(
                fields=["account", "id"],
                include=["status", "last_interaction_at"],
                name="friend_segment_count_idx",
            ),
            # Sending leaves erased friends out (NOT IN the few ids this partial index holds).
            models.Index(
                fields=["account"],
                condition=models.Q(erased_at__isnull=False),
                name="friend_erased_idx",
            ),
        ]
        # PostgreSQL also has friend_list_order_idx (migration 0003), in the friends list's
        # order with NULLS LAST, which SQLite cannot index.

    def __str__(self) -> str:
        if self.erased_at is not None:
            return str(_("Erased friend"))
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
            ),
            # Blocks attributed to a broadcast count one kind in a time window after each send.
            models.Index(
                fields=["account", "kind", "occurred_at"], name="status_change_kind_time_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_at:%Y-%m-%d %H:%M}"


class FriendErasure(models.Model):
    """The tombstone of one erased friend: proof that the erasure happened, without the person.

    ``subject_hash`` is an HMAC of the OA and the LINE user id under a secret salt
    (``settings.PERSONAL_DATA_SALT``): whoever holds the salt and a LINE user id can tell that
    this person was erased, nobody can read the id back. It deliberately names no friend row, so
    the anonymous row left behind cannot be tied to the person again through it.
    """

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    subject_hash = models.CharField(max_length=64)
    erased_at = models.DateTimeField(_("erased at"))
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Rows removed or anonymised, per kind of data ({"segments.tags": 3, ...}).
    summary = models.JSONField(default=dict, blank=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["-erased_at", "-pk"]
        indexes = [models.Index(fields=["account", "subject_hash"], name="friend_erasure_hash_idx")]

    def __str__(self) -> str:
        return self.short_hash

    @property
    def short_hash(self) -> str:
        """What the audit log and the pages show for the erased person."""
        return self.subject_hash[:12]
