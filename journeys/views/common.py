"""What every journey page needs: the journey in the URL, its page's URL, who may do what, and
the service errors put into words for a message."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import ngettext

from journeys.models import Journey
from journeys.selectors.journeys import journey_get
from journeys.services.errors import GraphInvalid, JourneyError
from oa_console.permissions import can, require
from oa_console.roles import Capability
from oa_console.selectors import account_list

PER_PAGE = 25
Status = Journey.Status
# Problems listed in a refusal message; the builder shows every one on its node.
PROBLEMS_SHOWN = 5


def journey_or_404(request: HttpRequest, journey_id: int) -> Journey:
    return journey_get(account=request.account, pk=journey_id)


def detail_url(request: HttpRequest, journey: Journey) -> str:
    return reverse(
        "journey_detail", args=[request.workspace.slug, request.account.slug, journey.pk]
    )


def may_edit(request: HttpRequest) -> bool:
    """Marketers draft and submit journeys as they draft broadcasts."""
    return can(request, Capability.DRAFT_JOURNEYS)


def may_activate(request: HttpRequest) -> bool:
    """Activating a journey sends messages without a further review: admins and owners, as
    approving a broadcast."""
    return can(request, Capability.ACTIVATE_JOURNEYS)


def require_edit(request: HttpRequest) -> None:
    """A write the role may not do is a 403, as everywhere in the console."""
    require(request, Capability.DRAFT_JOURNEYS)


def require_activate(request: HttpRequest) -> None:
    require(request, Capability.ACTIVATE_JOURNEYS)


def copy_targets(request: HttpRequest) -> list:
    """The workspace's OAs this member may see (a client login sees only its own): another
    OA gets the journey under its name, this OA a "(copy)"."""
    return list(account_list())


def error_text(exc: JourneyError) -> str:
    """A refusal of the services, said so that the reader knows why: the services' own message
    (a stranding names the count and the steps), and for an invalid graph its first problems."""
    if not isinstance(exc, GraphInvalid):
        return exc.message
    shown = [
        f"{problem.node_id}: {problem.message}" if problem.node_id else problem.message
        for problem in exc.problems[:PROBLEMS_SHOWN]
    ]
    text = f"{exc.message} {'; '.join(shown)}"
    more = len(exc.problems) - len(shown)
    if more > 0:
        text += " " + ngettext(
            "(and %(count)s more, shown in the builder)",
            "(and %(count)s more, shown in the builder)",
            more,
        ) % {"count": more}
    return text
