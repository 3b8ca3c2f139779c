"""Who sees which rich menu: the OA's menu rules (by segment, by tag), each friend's current
per-user menu as the console last set it at LINE, the runs that apply the segment rules to
everyone, and the taps on menu areas."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager
from richmenus.models.menu import RichMenu, RichMenuArea


class RichMenuRule(models.Model):
    """A segment rule (friends in ``segment`` see ``menu``; among several matching rules the
    lowest ``priority`` number wins) or a tag rule (when ``tag`` is added to a friend, link
    ``menu`` to them)."""

    class Kind(models.TextChoices):
        SEGMENT = "segment", _("Segment menu")
        TAG = "tag", _("Tag menu")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    segment = models.ForeignKey(
        "segments.Segment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("segment"),
    )
    tag = models.ForeignKey(
        "segments.Tag",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tag"),
    )
    menu = models.ForeignKey(
        RichMenu, on_delete=models.CASCADE, related_name="+", verbose_name=_("rich menu")
    )
    priority = models.PositiveIntegerField(_("priority"), default=1)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["kind", "priority", "id"]
        constraints = [
            models.CheckConstraint(
                name="rich_menu_rule_target",
                condition=(Q(kind="segment", segment__isnull=False, tag__isnull=True))
                | Q(kind="tag", tag__isnull=False, segment__isnull=True),
            ),
        ]
        indexes = [models.Index(fields=["account", "kind", "is_active"], name="rich_menu_rule")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class FriendRichMenu(models.Model):
    """The per-user menu the console last linked to a friend at LINE (no row: the friend sees
    the OA's default menu). Kept so that a re-evaluation calls LINE only for changes."""

    class Source(models.TextChoices):
        SEGMENT = "segment", _("Segment menu")
        TAG = "tag", _("Tag menu")
        JOURNEY = "journey", _("Journey")

    # A segment menu's first assignment writes a row per friend, 300,000 at once: the database
    # checks only the friend's key, the one that differs per row. The OA, the menu and the
    # rule are the same few rows for all of them (each check a locking read of the same row:
    # seven of the ten seconds 300,000 rows cost, bench/richmenus.py); Django's ``on_delete``
    # removes or clears these rows when one of them goes. Two indexes serve every read: the
    # unique friend, and (account, menu). A deleted menu or rule (rare) finds its rows by a
    # scan rather than every write keeping two more indexes.
    account = models.ForeignKey(
        LineAccount,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    friend = models.ForeignKey(
        "segments.Friend", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    menu = models.ForeignKey(
        RichMenu, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    source = models.CharField(_("set by"), max_length=10, choices=Source.choices)
    rule = models.ForeignKey(
        RichMenuRule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    linked_at = models.DateTimeField(_("linked at"))

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["friend"], name="friend_rich_menu_one"),
        ]
        indexes = [models.Index(fields=["account", "menu"], name="friend_rich_menu_menu")]

    def __str__(self) -> str:
        return f"{self.friend_id} -> {self.menu_id}"


class RichMenuAssignment(models.Model):
    """One run applying the segment rules to every friend (bulk link in batches of 500),
    with the progress the rules page polls."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Applying")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    total = models.PositiveIntegerField(_("friends to change"), default=0)
    done = models.PositiveIntegerField(_("friends changed"), default=0)
    calls = models.PositiveIntegerField(_("LINE calls"), default=0)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Set at every step's progress: an active run left untouched has lost its task.
    touched_at = models.DateTimeField(null=True, blank=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, self.done * 100 // self.total)


class RichMenuTap(models.Model):
    """A friend's tap on a menu area: a postback (from the webhook, by its data) or a tracked
    link (by the click redirect; the friend is then unknown, LINE does not say who opened it)."""

    class Kind(models.TextChoices):
        POSTBACK = "postback", _("Postback")
        LINK = "link", _("Link")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    menu = models.ForeignKey(RichMenu, on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey(RichMenuArea, on_delete=models.SET_NULL, null=True, related_name="+")
    friend = models.ForeignKey(
        "segments.Friend", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The segment or tag rule that had linked this menu to the friend when they tapped.
    rule = models.ForeignKey(RichMenuRule, on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    tapped_at = models.DateTimeField(_("tapped at"))
    # The postback's activity: a redelivered activity is recorded once.
    activity_id = models.BigIntegerField(null=True, blank=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["activity_id"],
                condition=Q(activity_id__isnull=False),
                name="rich_menu_tap_activity",
            ),
        ]
        indexes = [models.Index(fields=["account", "tapped_at"], name="rich_menu_tap_day")]

    def __str__(self) -> str:
        return f"{self.kind} {self.menu_id}/{self.area_id}"
