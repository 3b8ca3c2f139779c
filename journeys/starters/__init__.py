"""The journeys a marketer starts from, one JSON graph per file beside this module.

Each is a complete graph that ``validate_graph`` accepts without an OA (a test walks them all);
starting from one copies its graph into a new draft journey. Names and descriptions are here,
translated, and so are the steps' labels (in the language active when the graph is copied, or
the one asked for); the graphs' own message texts are the marketer's to rewrite.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

DIRECTORY = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Starter:
    key: str
    name: Promise
    description: Promise

    def graph(self, language: str | None = None) -> dict:
        """A fresh copy of the graph (callers may edit it), its step labels in ``language``
        (default: the active language)."""
        graph = json.loads((DIRECTORY / f"{self.key}.json").read_text())
        with translation.override(language) if language else _active():
            for node in graph.get("nodes", {}).values():
                if node.get("label") in STEP_LABELS:
                    node["label"] = gettext(node["label"])
        return graph


def _active():
    return translation.override(translation.get_language())


# The starters' step labels, for the catalogue (the JSON files hold them in English).
STEP_LABELS = {
    gettext_noop("1 hour"),
    gettext_noop("2 hours"),
    gettext_noop("24 hours"),
    gettext_noop("3 days"),
    gettext_noop("7 days"),
    gettext_noop("Birthday greeting"),
    gettext_noop("Clicked the welcome?"),
    gettext_noop("Cart reminder"),
    gettext_noop("Coupon"),
    gettext_noop("Day 0: welcome"),
    gettext_noop("Day 3: more picks"),
    gettext_noop("Day 3: nudge"),
    gettext_noop("Day 7: first-order coupon"),
    gettext_noop("Daytime"),
    gettext_noop("Last chance"),
    gettext_noop("Price drop alert"),
    gettext_noop("Purchase within 7 days?"),
    gettext_noop("Review request"),
    gettext_noop("Thank you"),
    gettext_noop("Until day 7"),
    gettext_noop("We miss you"),
}


STARTERS: dict[str, Starter] = {
    starter.key: starter
    for starter in (
        Starter(
            "cart_abandonment",
            _("Cart abandonment"),
            _(
                "A reminder with the cart's products 1 hour after, a coupon 24 hours later; "
                "a purchase ends it."
            ),
        ),
        Starter(
            "price_drop",
            _("Price drop"),
            _(
                "Tells every friend who viewed a product in the last 14 days, and has not bought "
                "it since, that its price dropped."
            ),
        ),
        Starter(
            "welcome_series",
            _("Welcome series"),
            _(
                "Messages on day 0, 3 and 7 after a first follow; day 3 depends on whether the "
                "friend clicked the welcome message's link."
            ),
        ),
        Starter(
            "first_purchase",
            _("First-purchase thank-you"),
            _("Thanks a friend 2 hours after their first order."),
        ),
        Starter(
            "birthday",
            _("Birthday"),
            _("A greeting with a coupon at 10:00 on the friend's birthday."),
        ),
        Starter(
            "win_back",
            _("Win-back after 60 quiet days"),
            _(
                "An offer to friends quiet for 60 days and a last reminder when they do not buy "
                "within 7 days."
            ),
        ),
        Starter(
            "post_purchase_review",
            _("Post-purchase review request"),
            _("Asks for a review 7 days after each order, in the daytime."),
        ),
    )
}
