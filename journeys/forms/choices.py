"""What the builder's forms offer to choose from: the OA's tags, segments, attributes, other
journeys and webhook secrets, read once per request."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from journeys.flow import Names
from journeys.models import Journey, WebhookSecret
from oa_console.models import LineAccount
from segments.rules.validation import RuleContext
from segments.selectors.attributes import attribute_definition_list
from segments.selectors.segments import segment_list
from segments.selectors.tags import tag_choices


@dataclass
class Choices:
    tags: list[tuple[int, str]] = field(default_factory=list)
    segments: list[tuple[int, str]] = field(default_factory=list)
    journeys: list[tuple[int, str]] = field(default_factory=list)
    # (key, label, type)
    attributes: list[tuple[str, str, str]] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)
    account: LineAccount | None = None

    @cached_property
    def rules(self) -> RuleContext | None:
        """The OA's tags and attributes as the segment rule editor reads them (None: no OA);
        loaded only by a form that has rules, so other forms cost no query for it."""
        return RuleContext.for_account(self.account) if self.account is not None else None

    @classmethod
    def for_account(cls, account: LineAccount, *, journey_id: int | None = None) -> Choices:
        journeys = Journey.objects.for_account(account).exclude(pk=journey_id)
        return cls(
            tags=tag_choices(account=account),
            segments=list(segment_list(account=account).values_list("pk", "name")),
            journeys=list(journeys.order_by("name", "pk").values_list("pk", "name")),
            attributes=list(
                attribute_definition_list(account=account).values_list("key", "label", "type")
            ),
            secrets=list(
                WebhookSecret.objects.for_account(account)
                .order_by("name")
                .values_list("name", flat=True)
            ),
            account=account,
        )

    def names(self) -> Names:
        """Names for the ids the graph holds, for the drawn flow's summaries."""
        return Names(
            tags=dict(self.tags),
            segments=dict(self.segments),
            journeys=dict(self.journeys),
            attributes={key: label for key, label, _kind in self.attributes},
        )

    def attribute_type(self, key: str) -> str | None:
        return next((kind for k, _label, kind in self.attributes if k == key), None)
