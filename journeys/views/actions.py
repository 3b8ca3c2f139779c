"""A journey's workflow actions: plain POST forms answered with a redirect to its page, with a
message saying what happened or, when a service refused, why."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from journeys.models import Journey
from journeys.services import copying, workflow
from journeys.services import journeys as journey_services
from journeys.services.errors import JourneyError
from journeys.views import test_run
from journeys.views.common import (
    PROBLEMS_SHOWN,
    copy_targets,
    detail_url,
    error_text,
    journey_or_404,
    require_activate,
    require_edit,
)
from journeys.views.detail import detail_context
from journeys.views.forms import CopyForm
from oa_console.views._render import render_page


def act(request: HttpRequest, journey: Journey, action: Callable, success: str) -> HttpResponse:
    try:
        action()
    except JourneyError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, success)
    return redirect(detail_url(request, journey))


def _workflow_view(service: Callable, check: Callable, success: Promise):
    """One POST view per workflow step: find the journey (404 across tenants), check the role
    (403), then let the service decide whether the journey's state allows it. ``success`` is
    lazy: the views are made at import, the message is said in each reader's language."""

    @require_POST
    def view(
        request: HttpRequest, workspace_slug: str, account_slug: str, journey_id: int
    ) -> HttpResponse:
        journey = journey_or_404(request, journey_id)
        check(request)
        return act(
            request,
            journey,
            lambda: service(
                account=request.account, journey=journey, user=request.user, request=request
            ),
            str(success),
        )

    view.__doc__ = service.__doc__
    return view


journey_submit = _workflow_view(
    workflow.journey_submit, require_edit, gettext_lazy("Submitted: an admin can now activate it.")
)
journey_activate = _workflow_view(
    workflow.journey_activate,
    require_activate,
    gettext_lazy("Active: friends who meet its trigger now enter it."),
)
journey_pause = _workflow_view(
    workflow.journey_pause,
    require_edit,
    gettext_lazy("Paused: nobody enters and nobody moves on until it is resumed."),
)
journey_resume = _workflow_view(
    workflow.journey_resume, require_activate, gettext_lazy("Resumed: friends move on again.")
)
journey_archive = _workflow_view(
    workflow.journey_archive,
    require_activate,
    gettext_lazy("Archived: friends still in it have left it."),
)


@require_POST
def journey_delete(
    request: HttpRequest, workspace_slug: str, account_slug: str, journey_id: int
) -> HttpResponse:
    journey = journey_or_404(request, journey_id)
    require_edit(request)
    try:
        journey_services.journey_delete(
            account=request.account, journey=journey, user=request.user, request=request
        )
    except JourneyError as exc:
        messages.error(request, error_text(exc))
        return redirect(detail_url(request, journey))
    messages.success(request, _("Deleted."))
    return redirect("account_journeys", request.workspace.slug, request.account.slug)


@require_POST
def journey_copy(
    request: HttpRequest, workspace_slug: str, account_slug: str, journey_id: int
) -> HttpResponse:
    journey = journey_or_404(request, journey_id)
    require_edit(request)
    targets = copy_targets(request)
    form = CopyForm(request.POST, accounts=targets)
    if not form.is_valid():
        response = render_page(
            request, "journeys/detail.html", detail_context(request, journey, copy_form=form)
        )
        response.status_code = 400
        return response
    target = next(a for a in targets if a.pk == form.cleaned_data["target"])
    try:
        copy = copying.journey_copy(
            journey=journey, target_account=target, user=request.user, request=request
        )
    except JourneyError as exc:
        messages.error(request, error_text(exc))
        return redirect(detail_url(request, journey))
    messages.success(
        request,
        _("Copied to %(account)s as a draft: check it there before activating it.")
        % {"account": target.display_name},
    )
    for problem in getattr(copy, "copy_problems", [])[:PROBLEMS_SHOWN]:
        messages.warning(request, problem.message)
    return redirect("journey_detail", request.workspace.slug, target.slug, copy.pk)


@require_POST
def journey_test(
    request: HttpRequest, workspace_slug: str, account_slug: str, journey_id: int
) -> HttpResponse:
    """Run the whole journey for one friend, waits shortened (see journeys/views/test_run.py)."""
    journey = journey_or_404(request, journey_id)
    require_edit(request)
    return test_run.run(request, journey)
