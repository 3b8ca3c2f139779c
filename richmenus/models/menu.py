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
    # The picture friends see, in media storage (served only through a member-checked view),
    # and what its bytes really are (checked on upload, not taken from the file name).
    image = models.CharField(_("image"), max_length=200, blank=True)
    # LINE's template the image must match ("large" 2500x1686, "compact" 2500x843), or
    # "custom": any size LINE takes, the image's own.
    size_template = models.CharField(_("size"), max_length=10, default="large")
    image_content_type = models.CharField(_("image type"), max_length=20, blank=True)
    # The alias a ``richmenuswitch`` action of another tab names (``[a-z0-9_-]``, at most 32,
    # unique in the OA as at LINE); created at LINE when the menu is published.
    alias = models.CharField(_("alias"), max_length=32, blank=True)
    # The alias as LINE has it (set by publishing): when the alias was changed since, the
    # next publish deletes this one at LINE so no tab switches to a retired menu.
    line_alias = models.CharField(max_length=32, blank=True)
    tab_set = models.ForeignKey(
        "richmenus.RichMenuTabSet",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="menus",
        verbose_name=_("tab set"),
    )
    tab_position = models.PositiveSmallIntegerField(_("tab position"), default=0)
    # Whether LINE shows this menu to every friend without a menu of their own right now.
    is_default = models.BooleanField(_("default menu"), default=False)
    # Set when the design changed after publishing: the next publish creates a new LINE menu.
    changed_since_publish = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "status"], name="rich_menu_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "alias"],
                condition=~models.Q(alias=""),
                name="rich_menu_alias_unique",
            ),
            models.UniqueConstraint(
                fields=["account"],
                condition=models.Q(is_default=True),
                name="rich_menu_one_default",
            ),
        ]

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


class RichMenuTabSet(models.Model):
    """Menus shown as tabs of one menu: each tab's image has areas that switch to the other
    tabs by alias (``richmenuswitch``). Publishing the set publishes every tab and its alias;
    the first tab is the one made default."""

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class RichMenuSchedule(models.Model):
    """The menu as the OA's default for a while (a sale menu Friday 18:00 to Sunday): the beat
    task makes it default at ``starts_at`` and, at ``ends_at``, restores the default that was
    in place when it started (``previous``)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        ACTIVE = "active", _("Showing")
        DONE = "done", _("Ended")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    menu = models.ForeignKey(RichMenu, on_delete=models.CASCADE, related_name="schedules")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    previous = models.ForeignKey(
        RichMenu, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["status", "starts_at"], name="rich_menu_schedule_due")]

    def __str__(self) -> str:
        return f"{self.menu} {self.starts_at:%Y-%m-%d %H:%M}"


class RichMenuLinkClick(models.Model):
    """One tap on a menu's link, counted by the click redirect the link goes through (a menu's
    link is the same for every friend, so a click names no friend)."""

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    menu = models.ForeignKey(RichMenu, on_delete=models.CASCADE, related_name="+")
    url = models.URLField(_("link"), max_length=1000)
    clicked_at = models.DateTimeField(_("clicked at"))

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        indexes = [models.Index(fields=["menu", "clicked_at"], name="rich_menu_click_menu")]

    def __str__(self) -> str:
        return self.url
