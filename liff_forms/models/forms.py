"""A form as the OA builds it, and its questions in order."""

from __future__ import annotations

import secrets

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager
from segments.models import AttributeDefinition

# LINE Developers console: a LIFF app's ID is the LINE Login channel's ID, a dash and eight
# letters or digits ("1657000000-AbCdEfGh").
LIFF_ID_PATTERN = r"^[0-9]{10}-[A-Za-z0-9]{8}$"
liff_id_validator = RegexValidator(
    LIFF_ID_PATTERN,
    _("A LIFF ID looks like 1657000000-AbCdEfGh (the LINE Login channel ID, a dash, 8 letters)."),
)
channel_id_validator = RegexValidator(
    r"^[0-9]{10}$", _("A LINE Login channel ID is 10 digits (LINE Developers console).")
)


def new_public_key() -> str:
    """The unguessable key of the form's public LIFF page (the page needs no login)."""
    return secrets.token_urlsafe(16)


class Form(models.Model):
    """A form friends answer in LINE: served at ``/liff/<public_key>/`` as the endpoint of the
    OA's LIFF app ``liff_id``; the friend is the ``sub`` of the ID token LINE Login's channel
    ``login_channel_id`` issued, verified server-side before anything is stored."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("form status", "Open")
        CLOSED = "closed", pgettext_lazy("form status", "Closed")

    class AnswerMode(models.TextChoices):
        PER_FRIEND = "per_friend", _("Once per friend (answering again updates the answers)")
        PER_SUBMISSION = "per_submission", _("Every submission is kept")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True, max_length=2000)
    liff_id = models.CharField(_("LIFF ID"), max_length=40, validators=[liff_id_validator])
    login_channel_id = models.CharField(
        _("LINE Login channel ID"), max_length=10, validators=[channel_id_validator]
    )
    public_key = models.CharField(max_length=40, unique=True, default=new_public_key)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    answer_mode = models.CharField(
        _("answers"), max_length=20, choices=AnswerMode.choices, default=AnswerMode.PER_FRIEND
    )
    thanks_text = models.CharField(_("thank-you message"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Question(models.Model):
    """One question. ``options`` (choice kinds) is a list of ``{"label": ..., "tag_id": ...}``:
    a friend who picks an option gets its tag. ``attribute`` receives the answer (the option's
    label for a single choice, the labels joined for several, yes for a consent)."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        DATE = "date", _("Date")
        NUMBER = "number", _("Number")
        CONSENT = "consent", _("Consent")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=False)
    min_value = models.DecimalField(
        _("minimum"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("maximum"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    options = models.JSONField(_("options"), default=list, blank=True)
    attribute = models.ForeignKey(
        AttributeDefinition,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("friend attribute"),
    )

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["form", "position", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def has_options(self) -> bool:
        return self.kind in (self.Kind.SINGLE, self.Kind.MULTIPLE)

    @property
    def min_display(self) -> str:
        return "" if self.min_value is None else format(self.min_value.normalize(), "f")

    @property
    def max_display(self) -> str:
        return "" if self.max_value is None else format(self.max_value.normalize(), "f")
