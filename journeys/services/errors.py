"""Why a journey service refused, in words a user can act on.

Every refusal carries a translated ``message`` and a stable ``code`` for the API; the API
answers ``GraphInvalid`` with 400 and its problems, ``StrandedFriends`` with 409 and the count,
``NotAllowed`` with 403 and any other ``JourneyError`` with 409 (the journey's state).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from journeys.graph.problems import GraphProblem


class JourneyError(Exception):
    """The journey's state (or the request) does not allow this action."""

    def __init__(self, message: str, code: str = "conflict") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message


class GraphInvalid(JourneyError):
    """The graph cannot be published: each problem names its node and field."""

    def __init__(self, problems: list[GraphProblem]) -> None:
        count = len(problems)
        super().__init__(
            ngettext(
                "The journey has %(count)s problem to fix first.",
                "The journey has %(count)s problems to fix first.",
                count,
            )
            % {"count": count},
            "invalid_graph",
        )
        self.problems = list(problems)


class StrandedFriends(JourneyError):
    """Publishing would leave friends in flight on nodes that no longer exist."""

    def __init__(self, count: int, node_ids: list[str]) -> None:
        super().__init__(
            ngettext(
                "%(count)s friend in this journey is at a step the new version removes "
                "(%(nodes)s). Keep those steps until they have moved on.",
                "%(count)s friends in this journey are at steps the new version removes "
                "(%(nodes)s). Keep those steps until they have moved on.",
                count,
            )
            % {"count": count, "nodes": ", ".join(node_ids)},
            "stranded_friends",
        )
        self.count = count
        self.node_ids = list(node_ids)


class NotAllowed(JourneyError):
    """The user's role does not allow this action."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("Your role does not allow this."), "not_allowed")
