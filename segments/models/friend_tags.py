"""Which friend wears which tag, and whether a person or a rule put it there."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager
from segments.models.friends import Friend
from segments.models.tag_rules import TagRule
from segments.models.tags import Tag


class FriendTag(models.Model):
    """A tag on a friend, with where it came from and when (the friend page shows both)."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Manual")
        RULE = "rule", _("Rule")
        IMPORT = "import", _("Import")
        API = "api", _("API")
        FORM = "form", _("Form")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    friend = models.ForeignKey(Friend, on_delete=models.CASCADE, related_name="friend_tags")
    # No index of its own: friend_tag_by_tag_idx (tag, friend) serves every lookup by tag and,
    # unlike a tag-only index, answers segment queries without reading the table.
    tag = models.ForeignKey(
        Tag, on_delete=models.CASCADE, related_name="friend_tags", db_index=False
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    rule = models.ForeignKey(
        TagRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="friend_tags"
    )
    tagged_at = models.DateTimeField(_("tagged at"))

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["-tagged_at"]
        constraints = [
            models.UniqueConstraint(fields=["friend", "tag"], name="uniq_friend_tag"),
        ]
        # (friend, tag) serves the segment EXISTS probes; (tag, friend) the per-tag counts.
        indexes = [models.Index(fields=["tag", "friend"], name="friend_tag_by_tag_idx")]

    def __str__(self) -> str:
        return f"{self.tag_id} on {self.friend_id} ({self.source})"
