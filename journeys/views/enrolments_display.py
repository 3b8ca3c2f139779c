"""Why an enrolment ended, in words for its row: the engine stores a short code in
``Enrolment.exit_reason`` ("goal", "exit_node", "archived"...); a page says what happened."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# The codes the engine, the workflow and the erasure of personal data write (journeys/engine/,
# journeys/services/workflow.py, journeys/personal_data.py).
EXIT_REASONS = {
    "goal": _("Reached the goal"),
    "exit_node": _("Reached the end of the journey"),
    "no_next_node": _("Reached a step with nothing after it"),
    "no_outcome": _("A step chose no path"),
    "unknown_node": _("Its step is no longer in the journey"),
    "error": _("A step failed with an error"),
    "archived": _("The journey was archived"),
    "erased": _("The friend's personal data was erased"),
}


def exit_reason_text(reason: str) -> str:
    """The reason in words; empty for none, and for a code this page does not know (a raw code
    says nothing to a marketer)."""
    return str(EXIT_REASONS.get(reason, ""))
