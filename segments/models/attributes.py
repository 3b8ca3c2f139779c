"""First-party attributes: the OA's own fields on a friend (definitions and values)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from oa_console.models import LineAccount
from oa_console.tenancy import AccountScopedManager, UnscopedManager
from segments.models.friends import Friend


class AttributeDefinition(models.Model):
    """A custom first-party attribute of an OA's friends, with the type its values have."""

    class Type(models.TextChoices):
        TEXT = "text", _("Text")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        BOOLEAN = "boolean", _("Yes/no")

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    key = models.SlugField(_("key"), max_length=40)
    label = models.CharField(_("label"), max_length=80)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(fields=["account", "key"], name="uniq_attribute_key"),
        ]

    def __str__(self) -> str:
        return self.label


class FriendAttribute(models.Model):
    """One typed value: exactly the column of the definition's type is set, so comparisons
    stay typed (numbers as numbers, dates as dates) in the segment query."""

    account = models.ForeignKey(LineAccount, on_delete=models.CASCADE, related_name="+")
    friend = models.ForeignKey(Friend, on_delete=models.CASCADE, related_name="attributes")
    definition = models.ForeignKey(
        AttributeDefinition, on_delete=models.CASCADE, related_name="values"
    )
    value_text = models.CharField(max_length=500, blank=True)
    value_number = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    value_date = models.DateField(null=True, blank=True)
    value_bool = models.BooleanField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AccountScopedManager()
    unscoped = UnscopedManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["friend", "definition"], name="uniq_friend_attribute"),
        ]
        # One index per typed column, holding only the rows of that type (every comparison the
        # segment rules make on a column implies it is set) and carrying the friend, so that a
        # condition on a value is an index-only scan of that type's rows.
        indexes = [
            models.Index(
                fields=["definition", "value_number"],
                include=["friend"],
                condition=models.Q(value_number__isnull=False),
                name="attribute_number_idx",
            ),
            models.Index(
                fields=["definition", "value_text"],
                include=["friend"],
                condition=~models.Q(value_text=""),
                name="attribute_text_idx",
            ),
            models.Index(
                fields=["definition", "value_date"],
                include=["friend"],
                condition=models.Q(value_date__isnull=False),
                name="attribute_date_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.definition_id} of {self.friend_id}"
