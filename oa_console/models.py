"""Tenancy tables: users, workspaces (tenants), OA channels, memberships, invitations, API keys."""

from __future__ import annotations

import secrets
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from oa_console.activity.models import Activity, SubscriberCursor  # noqa: F401  (the hub's tables)
from oa_console.fields import EncryptedTextField
from oa_console.roles import Role
from oa_console.tenancy import UnscopedManager, WorkspaceScopedManager

slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$",
    _(
        "Use 1 to 50 lowercase letters, digits and hyphens, starting and ending with a letter or digit."
    ),
)

TIME_ZONE_CHOICES = sorted((name, name) for name in zoneinfo.available_timezones())


def new_webhook_key() -> str:
    return secrets.token_urlsafe(24)


class EmailUserManager(UserManager):
    """Users sign in with their e-mail address; ``username`` mirrors it for Django internals."""

    def _create_user(self, username, email, password, **extra_fields):
        email = self.normalize_email(email or username).lower()
        return super()._create_user(email, email, password, **extra_fields)

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.pop("username", None)
        return super().create_user(email, email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.pop("username", None)
        return super().create_superuser(email, email, password, **extra_fields)


class User(AbstractUser):
    email = models.EmailField(_("e-mail address"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = EmailUserManager()

    def save(self, *args, **kwargs):
        self.email = self.email.lower()
        self.username = self.email
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.get_full_name() or self.email


class Workspace(models.Model):
    """The tenant: an agency managing client OAs, or a brand managing its own."""

    class Kind(models.TextChoices):
        AGENCY = "agency", _("Agency")
        BRAND = "brand", _("Brand")

    slug = models.SlugField(_("slug"), max_length=50, unique=True, validators=[slug_validator])
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.BRAND)
    # Set by an owner: every member must sign in with a second factor before any page of it.
    two_factor_required = models.BooleanField(_("two-factor sign-in required"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("workspace_home", kwargs={"workspace_slug": self.slug})


class LineAccount(models.Model):
    """One LINE Official Account channel connected to a workspace."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="accounts")
    slug = models.SlugField(_("slug"), max_length=50, validators=[slug_validator])
    display_name = models.CharField(_("display name"), max_length=120)
    basic_id = models.CharField(
        _("basic ID"),
        max_length=40,
        blank=True,
        validators=[RegexValidator(r"^@[0-9a-z._-]{3,32}$", _("A basic ID looks like @abc1234."))],
    )
    channel_id = models.CharField(
        _("channel ID"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^\d{6,20}$", _("The channel ID is a number."))],
    )
    bot_user_id = models.CharField(
        _("bot user ID"),
        max_length=33,
        blank=True,
        validators=[
            RegexValidator(r"^U[0-9a-f]{32}$", _("A bot user ID is U followed by 32 hex digits."))
        ],
        help_text=_("Learned from the first verified webhook when left empty."),
    )
    channel_secret = EncryptedTextField(_("channel secret"))
    access_token = EncryptedTextField(_("channel access token"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, choices=TIME_ZONE_CHOICES, default="Asia/Tokyo"
    )
    webhook_key = models.CharField(
        max_length=64, unique=True, default=new_webhook_key, editable=False
    )
    # LINE lists follower ids only for verified or premium OAs and answers 403 otherwise: when
    # it last refused and what it said (cleared by a later successful sync).
    follower_ids_refused_at = models.DateTimeField(null=True, blank=True, editable=False)
    follower_ids_refusal = models.TextField(blank=True, editable=False)
    # Raw webhook events (the payloads exactly as LINE sent them) are pruned nightly once
    # processed and older than this; what they became (activity, rollups) stays.
    raw_event_retention_days = models.PositiveSmallIntegerField(
        _("keep raw webhook events for (days)"),
        default=180,
        validators=[MinValueValidator(7), MaxValueValidator(3650)],
    )
    # The first webhook event's time, remembered before the first prune removes it: the day
    # webhook metrics start counting (insights.metrics.rollups.webhook_coverage_start).
    webhook_first_event_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkspaceScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["display_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "slug"], name="uniq_account_slug_per_workspace"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse(
            "account_home",
            kwargs={"workspace_slug": self.workspace.slug, "account_slug": self.slug},
        )

    @property
    def webhook_url(self) -> str:
        return settings.PUBLIC_BASE_URL + reverse(
            "line_webhook", kwargs={"webhook_key": self.webhook_key}
        )


class Membership(models.Model):
    """A user's role in a workspace, optionally limited to some of its OAs."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    # Explicit, never inferred from an empty ``accounts``: a membership limited to one OA must
    # not widen to the whole workspace when that OA is deleted. Off by default (fails closed).
    all_accounts = models.BooleanField(
        _("every OA of the workspace"),
        default=False,
        help_text=_("Off: access only to the OAs listed in “limited to OAs”."),
    )
    accounts = models.ManyToManyField(
        LineAccount,
        blank=True,
        related_name="limited_memberships",
        verbose_name=_("limited to OAs"),
        help_text=_("Used only when the membership is not for every OA of the workspace."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WorkspaceScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "workspace"], name="uniq_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.workspace} · {self.role}"


class Invitation(models.Model):
    """An e-mailed link that lets someone join a workspace with a role."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    # Copied to the membership on acceptance; see Membership.all_accounts.
    all_accounts = models.BooleanField(_("every OA of the workspace"), default=False)
    accounts = models.ManyToManyField(
        LineAccount, blank=True, related_name="+", verbose_name=_("limited to OAs")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = WorkspaceScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "workspace",
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="uniq_open_invitation",
            ),
        ]

    def __str__(self) -> str:
        return self.email


class ApiKey(models.Model):
    """A workspace-scoped API credential; only its SHA-256 is stored, the key is shown once."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(_("name"), max_length=80)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = WorkspaceScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Heartbeat(models.Model):
    """Last time a background process checked in (beat schedules, the worker records it)."""

    name = models.CharField(max_length=40, primary_key=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.seen_at:%Y-%m-%d %H:%M:%S}"


class AuditAction(models.TextChoices):
    """What an audit entry records. Values are stable codes (stored, filtered on, exported);
    labels are what the audit log page shows."""

    MEMBER_INVITED = "member.invited", _("Member invited")
    INVITATION_REVOKED = "invitation.revoked", _("Invitation revoked")
    INVITATION_ACCEPTED = "invitation.accepted", _("Invitation accepted")
    MEMBER_ROLE_CHANGED = "member.role_changed", _("Member's role or OAs changed")
    MEMBER_REMOVED = "member.removed", _("Member removed")
    MEMBER_UNLOCKED = "member.unlocked", _("Locked-out sign-in unlocked")
    API_KEY_CREATED = "api_key.created", _("API key created")
    API_KEY_REVOKED = "api_key.revoked", _("API key revoked")
    ACCOUNT_CONNECTED = "account.connected", _("OA connected")
    ACCOUNT_EDITED = "account.edited", _("OA settings changed")
    ACCOUNT_SECRET_ROTATED = "account.secret_rotated", _("OA secret or access token replaced")
    ACCOUNT_DELETED = "account.deleted", _("OA deleted")
    IMPORT_UPLOADED = "import.uploaded", _("Import uploaded")
    IMPORT_DELETED = "import.deleted", _("Import deleted")
    SEGMENT_CREATED = "segment.created", _("Segment created")
    SEGMENT_EDITED = "segment.edited", _("Segment changed")
    SEGMENT_DELETED = "segment.deleted", _("Segment deleted")
    BROADCAST_CREATED = "broadcast.created", _("Broadcast created")
    BROADCAST_APPROVED = "broadcast.approved", _("Broadcast approved")
    BROADCAST_SENT = "broadcast.sent", _("Broadcast sent")
    BROADCAST_CANCELLED = "broadcast.cancelled", _("Broadcast cancelled")
    JOURNEY_CREATED = "journey.created", _("Journey created")
    JOURNEY_EDITED = "journey.edited", _("Journey changed")
    JOURNEY_SUBMITTED = "journey.submitted", _("Journey submitted for activation")
    JOURNEY_ACTIVATED = "journey.activated", _("Journey activated")
    JOURNEY_PAUSED = "journey.paused", _("Journey paused")
    JOURNEY_RESUMED = "journey.resumed", _("Journey resumed")
    JOURNEY_ARCHIVED = "journey.archived", _("Journey archived")
    JOURNEY_DELETED = "journey.deleted", _("Journey deleted")
    WEBHOOK_SECRET_CREATED = "webhook_secret.created", _("Webhook signing secret added")
    WEBHOOK_SECRET_DELETED = "webhook_secret.deleted", _("Webhook signing secret deleted")
    DATA_EXPORTED = "data.exported", _("Data exported")
    TWO_FACTOR_ENABLED = "two_factor.enabled", _("Two-factor sign-in turned on")
    TWO_FACTOR_DISABLED = "two_factor.disabled", _("Two-factor sign-in turned off")
    TWO_FACTOR_RECOVERY_CODES = "two_factor.recovery_codes", _("New recovery codes made")
    TWO_FACTOR_REQUIRED_CHANGED = (
        "two_factor.required_changed",
        _("Two-factor requirement for members changed"),
    )
    FRIEND_EXPORTED = "friend.exported", _("Friend's personal data exported")
    FRIEND_ERASED = "friend.erased", _("Friend's personal data erased")
    RETENTION_CHANGED = "retention.changed", _("Retention period changed")


class AuditEntry(models.Model):
    """One thing a person (or an API key) did in a workspace: who, what, when, from where.

    Append-only. Rows outlive what they describe (a deleted OA, a removed member), so the actor,
    OA and target are also kept as text labels of the moment the action happened.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="audit_entries")
    account = models.ForeignKey(
        LineAccount, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    account_label = models.CharField(max_length=120, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    api_key = models.ForeignKey(
        ApiKey, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=40, choices=AuditAction.choices)
    target_type = models.CharField(max_length=40, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    details = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = WorkspaceScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["workspace", "-created_at"], name="audit_ws_created"),
            models.Index(fields=["workspace", "action", "-created_at"], name="audit_ws_action"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"
