"""The "Test with one friend" panel of a journey's page.

A marketer finds a following friend by name, LINE user ID or member ID and runs the whole
journey for them with waits shortened (``journeys.engine.test_run``); the friend gets every
message the path sends. The search is a fragment of the journey page (``journey_detail``
renders it for htmx); the forms also work as a plain GET/POST.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from journeys.engine.test_run import TestRunRefused, journey_test_run
from journeys.models import Journey
from journeys.services.errors import JourneyError
from journeys.views.common import detail_url, error_text
from segments.selectors.friends import friend_get
from segments.views.friend_picker import friend_picker_context

PANEL = "journey-test"
RESULTS = "journey-test-friends"


def test_context(request: HttpRequest, error: str = "") -> dict:
    return {**friend_picker_context(request), "test_error": error}


def run(request: HttpRequest, journey: Journey) -> HttpResponse:
    """Start the test run for the friend the form names (404 for one the OA does not have)."""
    friend = friend_get(account=request.account, line_user_id=request.POST.get("friend", ""))
    if friend is None:
        raise Http404
    try:
        enrolment = journey_test_run(
            account=request.account, journey=journey, friend=friend, user=request.user
        )
    except JourneyError as exc:
        messages.error(request, error_text(exc))
    except TestRunRefused:
        messages.error(request, _("Only a friend who follows the OA can get a test run."))
    else:
        if enrolment is None:
            messages.error(
                request,
                _("The test could not start for this friend."),
            )
            return redirect(f"{detail_url(request, journey)}#{PANEL}")
        name = friend.display_name or _("the friend")
        messages.success(
            request,
            _(
                "Test started for %(name)s: waits are shortened, each message reaches them "
                "as the journey would send it."
            )
            % {"name": name},
        )
    return redirect(f"{detail_url(request, journey)}#{PANEL}")
