"""Tags, their families (with the coverage the OA aims for), which friend wears which, and coverage history."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager


class TagFamily(models.Model):
    """A group of tags (interest, lifecycle, source, ...) with the coverage the OA aims for."""

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=60)
    coverage_goal = models.PositiveSmallIntegerField(
        _("coverage goal (%)"),
        null=True,
        blank=True,
        help_text=_("Share of following friends that should carry a tag of this family."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "tag families"
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="uniq_tag_family_name"),
            models.CheckConstraint(
                condition=models.Q(coverage_goal__lte=100), name="tag_family_goal_percent"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    family = models.ForeignKey(
        TagFamily, on_delete=models.SET_NULL, null=True, blank=True, related_name="tags"
    )
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("description"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="uniq_tag_name"),
        ]

    def __str__(self) -> str:
        return self.name


class TagCoverageSnapshot(models.Model):
    """Daily coverage: following friends, and how many of them carry a tag of the scope.

    ``scope`` is ``all`` (any tag), ``family:<id>`` or ``tag:<id>``.
    """

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    scope = models.CharField(max_length=32)
    following = models.PositiveIntegerField()
    tagged = models.PositiveIntegerField()

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["date", "scope"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "date", "scope"], name="uniq_tag_coverage_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.date}: {self.tagged}/{self.following}"
