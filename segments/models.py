"""Friends of an OA and the facts they are derived from (status changes and interactions)."""

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
    # LINE's follower list (segments.followers): when a sync last read this friend in it, and
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


# Tags, first-party attributes, custom events, segments and RFM --------------------------------


class TagFamily(models.Model):
    """A group of tags (interest, lifecycle, source, ...) with the coverage the OA aims for."""

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=60)
    coverage_goal = models.PositiveSmallIntegerField(
        _("coverage goal (%)"),
        null=True,
        blank=True,
        help_text=_("Share of following friends that should carry a tag of this family."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "tag families"
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="uniq_tag_family_name"),
            models.CheckConstraint(
                condition=models.Q(coverage_goal__lte=100), name="tag_family_goal_percent"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    family = models.ForeignKey(
        TagFamily, on_delete=models.SET_NULL, null=True, blank=True, related_name="tags"
    )
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("description"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="uniq_tag_name"),
        ]

    def __str__(self) -> str:
        return self.name


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


class FriendTag(models.Model):
    """A tag on a friend, with where it came from and when (the friend page shows both)."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Manual")
        RULE = "rule", _("Rule")
        IMPORT = "import", _("Import")
        API = "api", _("API")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    friend = models.ForeignKey(Friend, on_delete=models.CASCADE, related_name="friend_tags")
    # No index of its own: friend_tag_by_tag_idx (tag, friend) serves every lookup by tag and,
    # unlike a tag-only index, answers segment queries without reading the table.
    tag = models.ForeignKey(
        Tag, on_delete=models.CASCADE, related_name="friend_tags", db_index=False
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    rule = models.ForeignKey(
        TagRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="friend_tags"
    )
    tagged_at = models.DateTimeField(_("tagged at"))

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["-tagged_at"]
        constraints = [
            models.UniqueConstraint(fields=["friend", "tag"], name="uniq_friend_tag"),
        ]
        # (friend, tag) serves the segment EXISTS probes; (tag, friend) the per-tag counts.
        indexes = [models.Index(fields=["tag", "friend"], name="friend_tag_by_tag_idx")]

    def __str__(self) -> str:
        return f"{self.tag_id} on {self.friend_id} ({self.source})"


class AttributeDefinition(models.Model):
    """A custom first-party attribute of an OA's friends, with the type its values have."""

    class Type(models.TextChoices):
        TEXT = "text", _("Text")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        BOOLEAN = "boolean", _("Yes/no")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    key = models.SlugField(_("key"), max_length=40)
    label = models.CharField(_("label"), max_length=80)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["account", "key"], name="uniq_attribute_key"),
        ]

    def __str__(self) -> str:
        return self.label


class FriendAttribute(models.Model):
    """One typed value: exactly the column of the definition's type is set, so comparisons
    stay typed (numbers as numbers, dates as dates) in the segment query."""

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    friend = models.ForeignKey(Friend, on_delete=models.CASCADE, related_name="attributes")
    definition = models.ForeignKey(
        AttributeDefinition, on_delete=models.CASCADE, related_name="values"
    )
    value_text = models.CharField(max_length=500, blank=True)
    value_number = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    value_date = models.DateField(null=True, blank=True)
    value_bool = models.BooleanField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["friend", "definition"], name="uniq_friend_attribute"),
        ]
        # One index per typed column, holding only the rows of that type (every comparison the
        # segment rules make on a column implies it is set) and carrying the friend, so that a
        # condition on a value is an index-only scan of that type's rows.
        indexes = [
            models.Index(
                fields=["definition", "value_number"],
                include=["friend"],
                condition=models.Q(value_number__isnull=False),
                name="attribute_number_idx",
            ),
            models.Index(
                fields=["definition", "value_text"],
                include=["friend"],
                condition=~models.Q(value_text=""),
                name="attribute_text_idx",
            ),
            models.Index(
                fields=["definition", "value_date"],
                include=["friend"],
                condition=models.Q(value_date__isnull=False),
                name="attribute_date_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.definition_id} of {self.friend_id}"


class CustomEvent(models.Model):
    """Something the brand's other systems saw a friend do (a purchase, an abandoned cart).

    Stored once per idempotency key, so a client retrying a call never double-counts.
    """

    class Source(models.TextChoices):
        API = "api", _("API")
        IMPORT = "import", _("Import")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    friend = models.ForeignKey(Friend, on_delete=models.CASCADE, related_name="custom_events")
    name = models.CharField(_("event"), max_length=64)
    occurred_at = models.DateTimeField(_("time"))
    properties = models.JSONField(default=dict, blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    idempotency_key = models.CharField(max_length=128)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.API)
    received_at = models.DateTimeField(auto_now_add=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "idempotency_key"], name="uniq_custom_event_key"
            ),
        ]
        indexes = [
            models.Index(fields=["friend", "name", "occurred_at"], name="custom_event_friend_idx"),
            # With the friend included, "did <name> within N days at least K times" groups the
            # matching events by friend from the index alone.
            models.Index(
                fields=["account", "name", "occurred_at"],
                include=["friend"],
                name="custom_event_name_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.occurred_at:%Y-%m-%d %H:%M}"


class Segment(models.Model):
    """A saved rule tree; evaluated afresh each time (relative dates stay relative)."""

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=500, blank=True)
    rules = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        "oa_console.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="uniq_segment_name"),
        ]

    def __str__(self) -> str:
        return self.name


class TagCoverageSnapshot(models.Model):
    """Daily coverage: following friends, and how many of them carry a tag of the scope.

    ``scope`` is ``all`` (any tag), ``family:<id>`` or ``tag:<id>``.
    """

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    scope = models.CharField(max_length=32)
    following = models.PositiveIntegerField()
    tagged = models.PositiveIntegerField()

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["date", "scope"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "date", "scope"], name="uniq_tag_coverage_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.date}: {self.tagged}/{self.following}"


class RfmScore(models.Model):
    """The latest RFM scores of one friend (1 to 5 each, by quintile within the OA)."""

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    friend = models.OneToOneField(Friend, on_delete=models.CASCADE, related_name="rfm")
    recency_days = models.PositiveIntegerField(null=True, blank=True)
    frequency = models.PositiveIntegerField(default=0)
    monetary = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    r = models.PositiveSmallIntegerField()
    f = models.PositiveSmallIntegerField()
    m = models.PositiveSmallIntegerField()
    cell = models.CharField(max_length=24)
    computed_at = models.DateTimeField()

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        # Both carry the friend so that a segment on cells or scores reads only the index; in
        # the cell index it is a key, so one cell's friends come in id order and are merged
        # with the OA's friends (friend_segment_count_idx) instead of hashed.
        indexes = [
            models.Index(fields=["account", "cell", "friend"], name="rfm_cell_idx"),
            models.Index(
                fields=["account", "r", "f", "m"], include=["friend"], name="rfm_scores_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.friend_id}: R{self.r} F{self.f} M{self.m} ({self.cell})"


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


class FriendLink(models.Model):
    """A console user's own LINE account, as a friend of one OA: where "Send a test to me"
    sends. Made when the user sends the OA a one-time code shown in the console
    (``FriendLinkCode``); nobody has to know a LINE user ID."""

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey("oa_console.User", on_delete=models.CASCADE, related_name="+")
    friend = models.ForeignKey(Friend, on_delete=models.CASCADE, related_name="+")
    linked_at = models.DateTimeField()

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "user"], name="uniq_friend_link_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} -> {self.friend_id}"


class FriendLinkCode(models.Model):
    """A one-time code a console user sends to the OA from their phone to link their LINE
    account (``FriendLink``). Short-lived, used once, at most one open per user and OA."""

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey("oa_console.User", on_delete=models.CASCADE, related_name="+")
    # Normalised: upper case, no separator (what a friend types is normalised the same way).
    code = models.CharField(max_length=16)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "user"],
                condition=models.Q(used_at__isnull=True),
                name="uniq_friend_link_code_open",
            ),
            models.UniqueConstraint(
                fields=["account", "code"],
                condition=models.Q(used_at__isnull=True),
                name="uniq_friend_link_code_value",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class FollowerSync(models.Model):
    """One read of LINE's follower id list for an OA (``GET /v2/bot/followers/ids``), page by
    page, with the progress the settings page polls and the API returns.

    ``next_token`` is LINE's continuation token of the next page to read, saved with each page,
    so a sync that waits for LINE's rate limit resumes where it stopped instead of restarting.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Reading LINE's follower list")
        WAITING = "waiting", _("Waiting for LINE's rate limit")
        DONE = "done", _("Done")
        REFUSED = "refused", _("Refused by LINE")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        CONNECT = "connect", _("OA connected")
        MANUAL = "manual", _("Sync now")
        NIGHTLY = "nightly", _("Nightly")
        COMMAND = "command", _("Command line")
        API = "api", _("API")
        DEMO = "demo", _("Demo data")

    ACTIVE = (Status.QUEUED, Status.RUNNING, Status.WAITING)

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    trigger = models.CharField(_("started by"), max_length=10, choices=Trigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    next_token = models.TextField(blank=True)
    pages_read = models.PositiveIntegerField(_("pages read"), default=0)
    ids_seen = models.PositiveIntegerField(_("ids seen"), default=0)
    friends_added = models.PositiveIntegerField(_("friends added"), default=0)
    friends_unfollowed = models.PositiveIntegerField(_("friends marked unfollowed"), default=0)
    rate_limited = models.PositiveSmallIntegerField(_("rate-limited answers"), default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One sync at a time per OA: a second request gets the running one back.
            models.UniqueConstraint(
                fields=["account"],
                condition=models.Q(status__in=["queued", "running", "waiting"]),
                name="uniq_active_follower_sync",
            ),
        ]
        indexes = [models.Index(fields=["account", "created_at"], name="follower_sync_idx")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.status} {self.pages_read} pages"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE
