"""The activity log and the subscribers' cursors (tables of the ``oa_console`` app)."""

from __future__ import annotations

from django.db import models
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oa_console.tenancy import AccountScopedManager, UnscopedManager


class TransactionId(models.Func):
    """The writing transaction's id, the log's ordering key, as the column's database default:
    ``txid_current()`` on PostgreSQL, 0 elsewhere (SQLite commits one writer at a time, so ids
    alone give the order there).

    A database default costs nothing per insert, where asking for the id first would cost a
    round-trip per publish (``INSERT ... RETURNING`` still hands it back to the instance).
    """

    function = "txid_current"
    template = "%(function)s()"
    arity = 0
    output_field = models.BigIntegerField()
    allowed_default = True

    def as_sql(self, compiler: SQLCompiler, connection, **extra_context) -> tuple[str, list]:
        return "0", []

    def as_postgresql(self, compiler: SQLCompiler, connection, **extra_context) -> tuple[str, list]:
        return super().as_sql(compiler, connection, **extra_context)


class Activity(models.Model):
    """One thing a friend did, written once in the transaction that recorded it; never updated.

    ``friend_id`` is a plain integer: the core may not point at ``segments``. ``txid`` is the
    writing transaction's id on PostgreSQL (0 elsewhere), filled in by the database
    (``TransactionId``), never by the producer: the drain reads the log in
    ``(txid, id)`` order and only up to the oldest transaction still running, so a row whose
    transaction commits late is never skipped (see ``draining``).
    """

    class Kind(models.TextChoices):
        FOLLOW = "follow", _("Followed")
        UNFOLLOW = "unfollow", _("Blocked")
        UNBLOCK = "unblock", _("Unblocked")
        MESSAGE = "message", _("Message")
        POSTBACK = "postback", _("Postback")
        INTERACTION = "interaction", _("Other interaction")
        LINK_CLICK = "link_click", _("Link click")
        CUSTOM_EVENT = "custom_event", _("Custom event")
        TAG_ADDED = "tag_added", _("Tag added")
        TAG_REMOVED = "tag_removed", _("Tag removed")
        ATTRIBUTE_CHANGED = "attribute_changed", _("Attribute changed")
        MEMBER_ID_LINKED = "member_id_linked", _("Member ID linked")
        CAMPAIGN_VISIT = "campaign_visit", _("Campaign visit")
        FORM_ANSWERED = "form_answered", _("Form answered")

    # No index of its own: ("account", "id") below serves every read by OA, and each index
    # is one more write per published activity (the log takes one row per friend activity).
    account = models.ForeignKey(
        "oa_console.LineAccount",
        on_delete=models.CASCADE,
        related_name="activities",
        db_index=False,
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    friend_id = models.BigIntegerField(null=True, blank=True)
    line_user_id = models.CharField(max_length=64, blank=True)
    occurred_at = models.DateTimeField()
    payload = models.JSONField(default=dict, blank=True)
    txid = models.BigIntegerField(db_default=TransactionId())
    created_at = models.DateTimeField(default=timezone.now)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        indexes = [
            models.Index(fields=["account", "id"], name="activity_account_id"),
            models.Index(fields=["txid", "id"], name="activity_log_order"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"


class SubscriberCursor(models.Model):
    """How far one subscriber has read the log: the ``(txid, id)`` of the last row it took."""

    subscriber = models.CharField(max_length=100, unique=True)
    position_txid = models.BigIntegerField(default=0)
    position = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.subscriber} @ {self.position_txid}/{self.position}"
