"""The broadcast: its content, audience, schedule and workflow state."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


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
