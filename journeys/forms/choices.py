"""What the builder's forms offer to choose from: the OA's tags, segments, attributes, other
journeys and webhook secrets, read once per request, and the journey's own send steps (a
branch's "clicked a link sent by these steps")."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext as _

from journeys.flow import Names
from journeys.flow.summaries import node_summary
from journeys.models import Journey, WebhookSecret
from liff_forms.selectors.forms import form_choices
from oa_console.models import LineAccount
from richmenus.services.targeting import published_menus
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
    # (node id, title) of the journey's send steps
    send_steps: list[tuple[str, str]] = field(default_factory=list)
    rich_menus: list[tuple[int, str]] = field(default_factory=list)
    # (id, title) of the OA's forms, for the "form answered" trigger
    forms: list[tuple[int, str]] = field(default_factory=list)
    account: LineAccount | None = None

    @cached_property
    def rules(self) -> RuleContext | None:
        """The OA's tags and attributes as the segment rule editor reads them (None: no OA);
        loaded only by a form that has rules, so other forms cost no query for it."""
        return RuleContext.for_account(self.account) if self.account is not None else None

    @classmethod
    def for_account(
        cls, account: LineAccount, *, journey_id: int | None = None, graph: dict | None = None
    ) -> Choices:
        """What ``account`` offers; with the journey's ``graph``, its send steps too."""
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
            send_steps=send_step_choices(graph),
            rich_menus=list(published_menus(account).values_list("pk", "name")),
            forms=form_choices(account=account),
            account=account,
        )

    def names(self) -> Names:
        """Names for the ids the graph holds, for the drawn flow's summaries."""
        return Names(
            tags=dict(self.tags),
            segments=dict(self.segments),
            journeys=dict(self.journeys),
            attributes={key: label for key, label, _kind in self.attributes},
            rich_menus=dict(self.rich_menus),
            forms=dict(self.forms),
        )

    def attribute_type(self, key: str) -> str | None:
        return next((kind for k, _label, kind in self.attributes if k == key), None)


PREVIEW_LENGTH = 40


def _preview(node: dict) -> str:
    """The start of the send step's first message: its text, or the alt text LINE shows for a
    Flex or template message; empty for a message with neither (a sticker, an image)."""
    messages = node.get("messages")
    first = messages[0] if isinstance(messages, list) and messages else None
    if not isinstance(first, dict):
        return ""
    text = first.get("text") if first.get("type") == "text" else first.get("altText")
    text = " ".join(text.split()) if isinstance(text, str) else ""
    return text if len(text) <= PREVIEW_LENGTH else text[: PREVIEW_LENGTH - 1] + "…"


def send_step_title(node: dict) -> str:
    """A send step as a person recognises it: its label, else "Send: <its first message>"."""
    label = node.get("label")
    if isinstance(label, str) and label:
        return label
    preview = _preview(node)
    return _("Send: %(message)s") % {"message": preview} if preview else node_summary(node)


def send_step_choices(graph) -> list[tuple[str, str]]:
    """(id, title) of the graph's send steps in the graph's order; a title two steps share
    gets the step's id beside it, so each choice stays unambiguous."""
    nodes = graph.get("nodes") if isinstance(graph, dict) else None
    if not isinstance(nodes, dict):
        return []
    titles = {
        node_id: send_step_title(node)
        for node_id, node in nodes.items()
        if isinstance(node, dict) and node.get("type") == "send"
    }
    counts: dict[str, int] = {}
    for title in titles.values():
        counts[title] = counts.get(title, 0) + 1
    return [
        (node_id, title if counts[title] == 1 else f"{title} ({node_id})")
        for node_id, title in titles.items()
    ]
