"""Auto-reply rules of an OA and the conversations they handed to a person."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from inbox.models.conversation import Conversation
from oa_console.fields import EncryptedJSONField
from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class AutoReplyRule(models.Model):
    """One rule: when it answers (``kind`` and its match), what it sends (1 to 5 LINE message
    objects), the tags it adds and whether it hands the conversation to a person.

    Which rule answers an event is decided by ``inbox.autoreplies.matching`` (the order is
    documented there); among rules of one stage the lowest ``priority`` wins, then the oldest.
    """

    class Kind(models.TextChoices):
        GREETING = "greeting", _("Greeting")
        KEYWORD = "keyword", _("Keyword")
        POSTBACK = "postback", _("Postback")
        AWAY = "away", _("Away (outside business hours)")
        FALLBACK = "fallback", _("Fallback")

    class Match(models.TextChoices):
        EXACT = "exact", _("Is exactly")
        CONTAINS = "contains", _("Contains")
        REGEX = "regex", _("Regular expression")
        PREFIX = "prefix", _("Starts with")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # Keyword rules: exact, contains or regex; postback rules: exact or prefix; else blank.
    match = models.CharField(_("match"), max_length=10, choices=Match.choices, blank=True)
    # Keywords (or regular expressions) of a keyword rule, postback data of a postback rule.
    patterns = models.JSONField(_("keywords"), default=list, blank=True)
    # Greeting rules: on a first follow, on a re-follow after a block (LINE's isUnblocked).
    on_follow = models.BooleanField(_("on follow"), default=True)
    on_refollow = models.BooleanField(_("on re-follow after a block"), default=True)
    priority = models.PositiveIntegerField(_("priority"), default=0)
    enabled = models.BooleanField(_("on"), default=True)
    messages = models.JSONField(_("messages"), default=list)
    tags = models.ManyToManyField(
        "segments.Tag", blank=True, related_name="+", verbose_name=_("tags to add")
    )
    hand_over = models.BooleanField(_("hand the conversation to a person"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["priority", "id"]
        indexes = [models.Index(fields=["account", "priority"], name="auto_reply_rule_order")]

    def __str__(self) -> str:
        return self.name


class AutoReplySend(models.Model):
    """One auto-reply a rule decided, written in the activity hub's transaction before any LINE
    call, so a worker that dies before the call leaves a row the beat's sweep sends while the
    event's reply token is valid (``inbox.autoreplies.sending``). Auto-replies go by the reply
    API only: a token that expires first ends the row as expired, never as a push.

    LINE's reply API takes no retry key, so the token is claimed (``ReplyTokenUse``) in the
    transaction that marks the row "sending", and a row left sending (a worker killed mid-call,
    LINE's answer lost) is never sent again: the reply may have arrived."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        # The reply token is claimed and LINE is being asked: never asked again with it.
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Refused by LINE")
        # LINE's answer never came (a timeout, a worker killed mid-call): it may have arrived.
        UNKNOWN = "unknown", _("Not confirmed by LINE")
        EXPIRED = "expired", _("Not sent: the reply token expired")
        # Someone else (an agent's answer) used the event's reply token first.
        SKIPPED = "skipped", _("Not sent: the reply token was used by an answer")

    # What became of the send once nothing more will happen to it.
    FINISHED = (Status.SENT, Status.FAILED, Status.UNKNOWN, Status.EXPIRED, Status.SKIPPED)
    # The friend received nothing from the rule (or nobody can tell).
    NOT_DELIVERED = (Status.FAILED, Status.UNKNOWN, Status.EXPIRED, Status.SKIPPED)

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    friend = models.ForeignKey("segments.Friend", on_delete=models.CASCADE, related_name="+")
    # The rule may be deleted before the send: ``kind`` still counts the reply as automatic.
    rule = models.ForeignKey(
        AutoReplyRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AutoReplyRule.Kind.choices)
    # The LINE message objects as they are sent ({displayName} already filled in).
    messages = EncryptedJSONField(_("messages"), default=list)
    # The event's reply token and when LINE sent the event (the token's lifetime starts there).
    reply_token = models.CharField(max_length=255, blank=True)
    token_at = models.DateTimeField()
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    # LINE's reason for a refusal, or what kept the call from being answered.
    error = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        indexes = [
            models.Index(
                fields=["status", "token_at"],
                condition=models.Q(status__in=["queued", "sending"]),
                name="auto_reply_send_due_idx",
            ),
            models.Index(fields=["created_at"], name="auto_reply_send_age_idx"),
        ]

    def __str__(self) -> str:
        return f"auto-reply {self.pk} ({self.status})"


class AutoReplyHandover(models.Model):
    """A rule handed this conversation to a person: auto-replies stay quiet for it until a
    team member resolves it (``inbox.autoreplies.answering`` ends the handover then)."""

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, related_name="auto_reply_handover"
    )
    rule = models.ForeignKey(
        AutoReplyRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The rule's name when it handed over: the marker still reads well if the rule is deleted.
    rule_name = models.CharField(_("rule"), max_length=80)
    handed_over_at = models.DateTimeField(_("handed over at"))
    # The rule's answer: the marker says when it did not reach the friend (nobody answered).
    send = models.ForeignKey(
        AutoReplySend, on_delete=models.SET_NULL, null=True, blank=True, related_name="handovers"
    )

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    def __str__(self) -> str:
        return f"handover of conversation {self.conversation_id}"
