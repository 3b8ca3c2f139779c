"""A rich menu as the OA designs it, and its tap areas (LINE's coordinates, in image pixels)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class RichMenu(models.Model):
    """One menu: its image size, the text of the chat bar that opens it, and, once created at
    LINE, LINE's id for it (``line_rich_menu_id``), which every link call names.

    A menu is drafted in the console and created at LINE when it is published; LINE forbids
    changing a created menu, so editing a published one makes a new LINE menu.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Publishing failed")
        ARCHIVED = "archived", _("Archived")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=300)
    # LINE shows it on the chat bar that opens and closes the menu (at most 14 characters).
    chat_bar_text = models.CharField(_("chat bar text"), max_length=14)
    width = models.PositiveIntegerField(_("image width"), default=2500)
    height = models.PositiveIntegerField(_("image height"), default=1686)
    # Whether the menu is open when the friend opens the chat (LINE's ``selected``).
    opens_by_default = models.BooleanField(_("open when the chat opens"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    line_rich_menu_id = models.CharField(_("LINE rich menu ID"), max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "status"], name="rich_menu_status")]

    def __str__(self) -> str:
        return self.name


class RichMenuArea(models.Model):
    """One tap area: a rectangle in image pixels and the LINE action object a tap runs
    (``uri``, ``message``, ``postback``, ``richmenuswitch`` or ``datetimepicker``)."""

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    menu = models.ForeignKey(RichMenu, on_delete=models.CASCADE, related_name="areas")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    x = models.PositiveIntegerField("x")
    y = models.PositiveIntegerField("y")
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    label = models.CharField(_("label"), max_length=100, blank=True)
    action = models.JSONField(_("action"), default=dict)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["menu", "position", "id"]

    def __str__(self) -> str:
        return self.label or f"{self.width}x{self.height} @ {self.x},{self.y}"
