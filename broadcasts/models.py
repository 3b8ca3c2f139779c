"""Broadcast tables: the broadcast and its workflow, its A/B variants, its LINE calls (batches),
who got it (deliveries), tracked clicks, and each OA's sending rules (frequency cap, quiet
hours).

Who a broadcast addresses is stored on its batches, not in a row per friend: each batch (one
LINE call) carries ``friend_ids`` and ``line_user_ids``, parallel JSON lists of its recipients
(≤ 500 for a multicast, 1 for a push, none for a LINE broadcast or a demographic-only
narrowcast; the audience of a narrowcast or LINE broadcast is in ``RecipientChunk`` rows of
10,000 under its batch), and, in an A/B test, the
``variant`` all of them get (a batch never mixes arms: one friend per push, or up to 500 of
one arm's friends per multicast when the test needs no per-friend message). Planning a
million recipients is then 2,000 inserted rows, and a send reads its ``to`` from the row it has
locked.

``Delivery`` is a read-only view over those lists (one row per batch and recipient, with the
batch's variant; created by migration 0009 for PostgreSQL and SQLite), so results, variant
results, the frequency cap and the segments ``received_broadcast`` field keep querying
deliveries with the ORM. Whether a delivery was delivered is its batch's status (see
``delivered_deliveries``).
"""

from __future__ import annotations

import uuid
from datetime import time

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class SendingRules(models.Model):
    """Per-OA protection of friends from too many messages: a frequency cap over a rolling
    window and a nightly quiet period in the OA's time zone. Every send path honours both."""

    account = models.OneToOneField(
        LineAccount, on_delete=models.CASCADE, related_name="sending_rules"
    )
    cap_enabled = models.BooleanField(_("frequency cap on"), default=True)
    cap_messages = models.PositiveSmallIntegerField(_("at most this many broadcasts"), default=2)
    cap_days = models.PositiveSmallIntegerField(_("per this many days"), default=7)
    quiet_enabled = models.BooleanField(_("quiet hours on"), default=True)
    quiet_start = models.TimeField(_("quiet from"), default=time(22, 0))
    quiet_end = models.TimeField(_("quiet until"), default=time(8, 0))
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
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cap_messages__gte=1, cap_days__gte=1), name="sending_cap_valid"
            )
        ]

    def __str__(self) -> str:
        return f"sending rules of {self.account_id}"


class Broadcast(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        PARTIALLY_FAILED = "partially_failed", _("Partially failed")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    class AudienceKind(models.TextChoices):
        ALL = "all", _("All friends")
        SEGMENT = "segment", _("Saved segment")
        DEMOGRAPHIC = "demographic", _("LINE demographic filter")
        SEGMENT_DEMOGRAPHIC = "segment_demographic", _("Segment and demographic filter")

    class Method(models.TextChoices):
        BROADCAST = "broadcast", _("LINE broadcast")
        MULTICAST = "multicast", _("Multicast")
        PUSH = "push", _("Push per friend")
        NARROWCAST = "narrowcast", _("Narrowcast")

    class ClickAttribution(models.TextChoices):
        FRIEND = "friend", _("Per friend")
        LINK = "link", _("Per link")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    goal = models.CharField(_("goal"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    messages = models.JSONField(_("messages"), default=list)
    audience_kind = models.CharField(
        _("audience"), max_length=20, choices=AudienceKind.choices, default=AudienceKind.ALL
    )
    segment = models.ForeignKey(
        "segments.Segment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("segment"),
    )
    demographic = models.JSONField(_("demographic filter"), null=True, blank=True)
    track_clicks = models.BooleanField(_("track link clicks"), default=True)
    # Per friend: a tracked link sends a segment or all-friends audience by push, one friend per
    # call, so each click names the friend (segments' ``clicked``, auto-tag rules). Per link: by
    # multicast / LINE broadcast / narrowcast, clicks counted per link only. No effect without
    # tracked links, and none for demographic audiences (LINE picks the recipients).
    click_attribution = models.CharField(
        _("click attribution"),
        max_length=6,
        choices=ClickAttribution.choices,
        default=ClickAttribution.FRIEND,
    )
    # Share of a segment's friends who get nothing, to measure lift against (stable per
    # friend within a broadcast).
    holdout_percent = models.PositiveSmallIntegerField(_("holdout (%)"), default=0)
    # With A/B variants (``BroadcastVariant``): the share of the audience left after the
    # holdout that receives a variant; the rest waits for the winner (a follow-up broadcast).
    variant_test_percent = models.PositiveSmallIntegerField(_("A/B test share (%)"), default=100)
    # A "send the winner to the rest" follow-up: the A/B broadcast it continues and the variant
    # it sends. Its audience is the parent's segment minus everyone the parent reached or held
    # out (see ``services.variants``).
    winner_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="winner_followups"
    )
    winner_variant = models.ForeignKey(
        "BroadcastVariant", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    send_at = models.DateTimeField(_("send at"), null=True, blank=True)
    # Weekly repetition: ISO weekdays (1 = Monday … 7 = Sunday) at send_at's local time. Each
    # occurrence is its own broadcast (own results), created when the previous one starts.
    repeat_weekdays = models.JSONField(_("repeat weekly on"), default=list, blank=True)
    repeat_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="repeats"
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)

    # Filled when the broadcast is planned (sending starts) and as it goes out.
    method = models.CharField(max_length=12, choices=Method.choices, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    excluded_by_cap = models.PositiveIntegerField(_("held back by the frequency cap"), default=0)
    deferred_by_quiet_hours = models.BooleanField(default=False)
    accepted_count = models.PositiveIntegerField(_("accepted by LINE"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)
    audience_group_id = models.BigIntegerField(null=True, blank=True)
    audience_uploaded = models.PositiveIntegerField(default=0)
    exclusion_group_id = models.BigIntegerField(null=True, blank=True)
    exclusion_uploaded = models.PositiveIntegerField(default=0)
    narrowcast_success = models.PositiveIntegerField(null=True, blank=True)
    narrowcast_failure = models.PositiveIntegerField(null=True, blank=True)
    narrowcast_target = models.PositiveIntegerField(null=True, blank=True)
    narrowcast_phase = models.CharField(max_length=12, blank=True)
    narrowcast_checked_at = models.DateTimeField(null=True, blank=True)
    # When a queued continuation (rate limit, back-off, progress poll) is due: the stalled-send
    # sweep only steps in once that time is well past.
    continue_at = models.DateTimeField(null=True, blank=True)
    # A send that reached the OA's quiet hours stops; its remaining batches wait until then.
    paused_until = models.DateTimeField(_("held by quiet hours until"), null=True, blank=True)
    error_message = models.TextField(blank=True)
    # Planning a due scheduled broadcast failed transiently (a locked or lost database): the
    # attempts so far and when the next one is due; the reason is ``error_message``. Bounded
    # (``sending.MAX_PLAN_ATTEMPTS``), so a send never stays "Scheduled" forever.
    plan_attempts = models.PositiveSmallIntegerField(default=0)
    plan_retry_at = models.DateTimeField(null=True, blank=True)
    # Why planning failed or is being retried, as data, so each reader's page says it in their
    # language (``error_message`` keeps the worker's wording): {"kind": "nobody", "counts",
    # "others"} or {"kind": "planning", "error", "detail", "attempts", "final"}.
    failure = models.JSONField(null=True, blank=True)
    # LINE's own statistics (Insight message event) for a broadcast/narrowcast request id.
    line_stats = models.JSONField(null=True, blank=True)
    line_stats_at = models.DateTimeField(null=True, blank=True)
    # LINE aggregation units a multicast/push broadcast was sent with ([{"unit", "variant"}],
    # one per A/B arm), fixed before its first call so every retry sends the same body; null
    # until decided, [] when sent without. Kept when the OA's setting is later turned off.
    aggregation_units = models.JSONField(null=True, blank=True)
    # Why a broadcast went out without (some of) its units: LINE refused them.
    aggregation_note = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "send_at"], name="broadcast_due_idx"),
            models.Index(fields=["account", "send_at"], name="broadcast_calendar_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["repeat_of", "send_at"], name="uniq_broadcast_occurrence"
            ),
            models.CheckConstraint(
                condition=~models.Q(audience_kind__in=["segment", "segment_demographic"])
                | models.Q(segment__isnull=False)
                | models.Q(status="cancelled"),
                name="broadcast_segment_audience_has_segment",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_repeat_display(self) -> str:
        from django.utils.dates import WEEKDAYS  # Monday first, translated

        return ", ".join(str(WEEKDAYS[day - 1]) for day in self.repeat_weekdays)


class BroadcastVariant(models.Model):
    """One arm of an A/B test: its own messages and its share of the tested friends. Which
    friend gets which arm is a stable hash of the friend and the broadcast
    (``services.variants``); the broadcast's own ``messages`` mirror the first variant's."""

    LABELS = "ABCD"

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="variants")
    position = models.PositiveSmallIntegerField()  # 0-3: A-D
    name = models.CharField(_("name"), max_length=60)
    messages = models.JSONField(_("messages"), default=list)
    share = models.PositiveSmallIntegerField(_("share (%)"))

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["broadcast", "position"]
        constraints = [
            models.UniqueConstraint(fields=["broadcast", "position"], name="uniq_variant_position"),
            models.CheckConstraint(
                condition=models.Q(share__gte=1, share__lte=100, position__lte=3),
                name="variant_share_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.name}"

    @property
    def label(self) -> str:
        return self.LABELS[self.position]


class BroadcastBatch(models.Model):
    """One LINE send request. Its retry key is committed before the request is first made, so
    a retry after a timeout, a 5xx or a killed worker repeats the same key and LINE answers 409
    instead of delivering twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        ACCEPTED = "accepted", _("Accepted by LINE")
        FAILED = "failed", _("Failed")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="batches")
    sequence = models.PositiveIntegerField()
    method = models.CharField(max_length=12, choices=Broadcast.Method.choices)
    retry_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    size = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    rate_limited = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    duplicate_of_accepted = models.BooleanField(default=False)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error_message = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The LINE aggregation unit this call's body carries ("" for none). Set before the first
    # call; changed only together with a new retry key, after LINE refused the unit.
    # db_default: planning inserts batches with raw SQL that does not name this column.
    aggregation_unit = models.CharField(max_length=30, blank=True, default="", db_default="")
    # The unit LINE refused for this call (it is then retried without one).
    refused_unit = models.CharField(max_length=30, blank=True, default="", db_default="")
    # The recipients of this call, fixed at planning (parallel lists, same order): what the
    # ``Delivery`` view unnests. A retry sends exactly these again under the same key.
    friend_ids = models.JSONField(default=list, blank=True)
    line_user_ids = models.JSONField(default=list, blank=True)
    # The A/B arm every recipient of this call gets (null without variants). RESTRICT: a
    # variant that was sent cannot be deleted on its own, but goes with its broadcast.
    variant = models.ForeignKey(
        BroadcastVariant,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["broadcast", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["broadcast", "sequence"], name="uniq_batch_sequence")
        ]
        indexes = [
            models.Index(fields=["broadcast", "status", "sequence"], name="batch_todo_idx"),
            models.Index(fields=["account", "status", "sent_at"], name="batch_sent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.broadcast_id}#{self.sequence}"


class RecipientChunk(models.Model):
    """Recipients of one LINE call that would not fit its batch row: the audience of a
    narrowcast (a segment with a demographic filter, or all friends but the capped ones),
    which can be millions. Kept in chunks of ``SIZE`` (LINE's user ids per audience upload
    call), so a JSON value never grows past a few hundred kilobytes and uploading chunk ``n``
    reads row ``n``. The ``Delivery`` view reads these rows as well, under their batch."""

    SIZE = 10_000  # LINE: user ids per JSON audience upload call

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    broadcast = models.ForeignKey(
        Broadcast, on_delete=models.CASCADE, related_name="recipient_chunks"
    )
    batch = models.ForeignKey(
        BroadcastBatch, on_delete=models.CASCADE, related_name="recipient_chunks"
    )
    sequence = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    friend_ids = models.JSONField(default=list)
    line_user_ids = models.JSONField(default=list)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["batch", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "sequence"], name="uniq_chunk_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.sequence}"


class Delivery(models.Model):
    """One friend in one broadcast, read from its batch's recipient lists (a database view,
    never written): the basis of results, of A/B variant results, of the frequency cap and of
    the ``received_broadcast`` segment field. Planning numbers each following friend into
    exactly one batch, so a friend appears once per broadcast (and in one A/B arm). ``id`` is
    the batch id times 10^8 plus the friend's position in the batch, or, for a narrowcast's
    recipient chunks, 5 x 10^18 plus the chunk id times 10^5 plus the position in the chunk."""

    id = models.BigIntegerField(primary_key=True)
    account = models.ForeignKey(
        LineAccount, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    broadcast = models.ForeignKey(
        Broadcast, on_delete=models.DO_NOTHING, related_name="deliveries", db_constraint=False
    )
    batch = models.ForeignKey(
        BroadcastBatch, on_delete=models.DO_NOTHING, related_name="deliveries", db_constraint=False
    )
    friend = models.ForeignKey(
        "segments.Friend", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    line_user_id = models.CharField(max_length=40)
    # The A/B arm this friend got: its batch's (null without variants).
    variant = models.ForeignKey(
        BroadcastVariant,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        managed = False
        db_table = "broadcasts_delivery"

    def __str__(self) -> str:
        return f"{self.broadcast_id} → {self.line_user_id}"


class HeldBack(models.Model):
    """A friend the audience matched but who gets nothing: over the frequency cap (for a LINE
    broadcast or narrowcast these go to LINE as an excluded audience), in the holdout, or outside
    an A/B test's share (they wait for the winner)."""

    class Reason(models.TextChoices):
        CAP = "cap", _("Frequency cap")
        HOLDOUT = "holdout", _("Holdout")
        AWAITING_WINNER = "awaiting", _("Waiting for the A/B winner")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="held_back")
    friend = models.ForeignKey("segments.Friend", on_delete=models.CASCADE, related_name="+")
    line_user_id = models.CharField(max_length=40)
    reason = models.CharField(max_length=10, choices=Reason.choices, default=Reason.CAP)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["broadcast", "friend"], name="uniq_held_back_friend")
        ]

    def __str__(self) -> str:
        return f"{self.broadcast_id} ✕ {self.line_user_id}"


class Click(models.Model):
    """A tracked link opened: per broadcast and URL, and per friend when the message was sent
    to that friend alone (a multicast message is the same for everyone in its batch)."""

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="clicks")
    friend = models.ForeignKey(
        "segments.Friend", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The A/B arm whose message held the link (its token names it).
    variant = models.ForeignKey(
        BroadcastVariant,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    url = models.URLField(max_length=1000)
    clicked_at = models.DateTimeField(auto_now_add=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        indexes = [
            models.Index(fields=["broadcast", "url"], name="click_url_idx"),
            models.Index(fields=["friend", "clicked_at"], name="click_friend_idx"),
        ]

    def __str__(self) -> str:
        return self.url


def delivered_deliveries(*, account_id: int, since=None) -> models.QuerySet:
    """Deliveries LINE accepted for sure: their batch was accepted, and the broadcast was not
    a demographic narrowcast (LINE narrows those further; who got one is not known)."""
    deliveries = Delivery.unscoped.filter(
        account_id=account_id,
        batch__status=BroadcastBatch.Status.ACCEPTED,
        broadcast__demographic__isnull=True,
    )
    if since is not None:
        deliveries = deliveries.filter(batch__sent_at__gt=since)
    return deliveries
