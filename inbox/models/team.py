"""Team work on conversations: who answers (assignment, availability, round-robin turns), the
sessions that response and resolution times are measured on, and internal notes with mentions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inbox.models.conversation import Conversation
from oa_console.fields import EncryptedTextField
from oa_console.models import LineAccount, Workspace
from oa_console.tenancy import AccountScopedManager, UnscopedManager, WorkspaceScopedManager


class ConversationSession(models.Model):
    """One stretch of a conversation from the friend's first message (or the message that
    reopened it after it was resolved) to its resolution. A conversation has at most one open
    session (``resolved_at`` empty); its times feed the inbox's median first response and
    median resolution, and a reopened conversation starts a new session instead of rewriting
    the times of the one already measured."""

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="sessions"
    )
    opened_at = models.DateTimeField(_("opened at"))
    # The OA's first answer (manual or automatic) in this session.
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation"],
                condition=models.Q(resolved_at__isnull=True),
                name="conversation_one_open_session",
            )
        ]
        indexes = [models.Index(fields=["account", "opened_at"], name="session_opened_idx")]

    def __str__(self) -> str:
        return f"session of conversation {self.conversation_id} opened {self.opened_at:%Y-%m-%d}"


class InboxTeamSettings(models.Model):
    """An OA's team settings (one row per OA, created when first changed)."""

    account = models.OneToOneField(LineAccount, on_delete=models.CASCADE, related_name="+")
    auto_assign = models.BooleanField(
        _("assign new conversations automatically (round-robin)"),
        default=False,
        help_text=_(
            "A new or reopened conversation nobody is assigned to goes to the available member "
            "whose last assignment in this OA is the oldest."
        ),
    )

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    def __str__(self) -> str:
        return f"team settings of OA {self.account_id}"


class InboxAvailability(models.Model):
    """Whether a member takes new chats in a workspace: round-robin picks available members
    only. A member without a row is not available (nobody gets chats they did not ask for)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    available = models.BooleanField(_("available for chats"), default=False)
    changed_at = models.DateTimeField(auto_now=True)

    objects = WorkspaceScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="inbox_availability_once")
        ]

    def __str__(self) -> str:
        return f"user {self.user_id} available={self.available}"


class AssignmentTurn(models.Model):
    """When a member was last given a conversation of an OA (by hand or by round-robin): the
    round-robin's order, oldest first, so turns pass around the team fairly."""

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_assigned_at = models.DateTimeField()

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "user"], name="assignment_turn_once")
        ]

    def __str__(self) -> str:
        return f"user {self.user_id} last assigned {self.last_assigned_at:%Y-%m-%d %H:%M}"


class ConversationNote(models.Model):
    """An internal note beside the history: never sent to LINE. Its text is encrypted at rest
    like the messages it talks about."""

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    text = EncryptedTextField(_("note"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        indexes = [
            models.Index(fields=["conversation", "created_at"], name="conversation_note_order")
        ]

    def __str__(self) -> str:
        return f"note {self.pk} on conversation {self.conversation_id}"


class NoteMention(models.Model):
    """A member @mentioned in a note; ``seen_at`` is set when they open the conversation, so
    the inbox's "Mentions" filter shows what they have not read yet."""

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    note = models.ForeignKey(ConversationNote, on_delete=models.CASCADE, related_name="mentions")
    # Denormalised from the note: the mentions filter reads conversations without a join.
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(null=True, blank=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["note", "user"], name="note_mention_once")]
        indexes = [
            models.Index(
                fields=["user", "conversation"],
                condition=models.Q(seen_at__isnull=True),
                name="note_mention_unseen_idx",
            )
        ]

    def __str__(self) -> str:
        return f"user {self.user_id} mentioned in note {self.note_id}"
