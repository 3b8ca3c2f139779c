"""The "Journeys" panel of a friend's page: which journeys the friend went through and each
step with its time and what happened, newest first (``friend_timeline``).

segments owns the friend page and may not import journeys, so journeys registers this panel
into ``segments.registries.friend_panels`` from its ``AppConfig.ready()``
(``register_friend_panel()`` below).
"""

from __future__ import annotations

from itertools import groupby

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.template.loader import render_to_string

from journeys.flow import outlet_label
from journeys.selectors.journeys import friend_timeline
from segments.models import Friend
from segments.registries import friend_panels

TEMPLATE = "journeys/friend_panel.html"
KEY = "journeys"
# Journey runs per page of the panel: a friend in many journeys would otherwise get a panel
# of every step they ever took. The page parameter is the panel's own: the friend page and its
# other panels keep theirs.
RUNS_PER_PAGE = 5
PAGE_PARAM = "journeys_page"


def _step(entry) -> dict:
    """One line: when, what happened, at which step and, past a fork, which path."""
    path = outlet_label({}, entry.outlet) if entry.outlet and entry.outlet != "next" else ""
    return {"at": entry.at, "what": entry.kind_label, "node": entry.node_label, "path": path}


def journeys_panel(request: HttpRequest, friend: Friend) -> str:
    """The friend's journey timeline grouped by enrolment (one journey run after another)."""
    entries = friend_timeline(account=request.account, friend=friend)
    runs = [
        {
            "journey_id": key[0],
            "journey_name": steps[0].journey_name,
            "steps": [_step(entry) for entry in steps],
        }
        for key, group in groupby(entries, key=lambda e: (e.journey_id, e.enrolment_id))
        for steps in [list(group)]
    ]
    page = Paginator(runs, RUNS_PER_PAGE).get_page(request.GET.get(PAGE_PARAM))
    others = request.GET.copy()
    others.pop(PAGE_PARAM, None)
    return render_to_string(
        TEMPLATE,
        {"page_obj": page, "runs": page.object_list, "query": others.urlencode()},
        request=request,
    )


def register_friend_panel() -> None:
    """Called from journeys/apps.py's ``ready()``."""
    friend_panels.register_friend_panel(KEY, journeys_panel)
