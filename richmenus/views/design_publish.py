"""Publishing from the pages: publish a menu or a tab set, the default menu, schedules,
archiving and deleting. Every outcome is said in a message on the page it returns to; LINE's
refusals are also kept on the menu and shown there."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from oa_console.permissions import can
from oa_console.views._forms import apply_service_errors
from richmenus.forms import PublishTabsForm, ScheduleForm, TabSetForm
from richmenus.models import RichMenuSchedule
from richmenus.selectors.menus import tab_set_get, tab_set_menus
from richmenus.services import publishing, schedules
from richmenus.services.menus import rich_menu_delete, tab_set_create
from richmenus.views.design_common import (
    PUBLISH,
    back_to,
    menu_or_404,
    render_detail,
    require_design,
    require_publish,
)


def _list_url(request: HttpRequest) -> str:
    return reverse("account_rich_menus", args=[request.workspace.slug, request.account.slug])


def _refused(request: HttpRequest, exc: Exception) -> None:
    text = exc.message if isinstance(exc, publishing.PublishFailed) else " ".join(exc.messages)
    messages.error(request, text)


def _menu_published(
    request: HttpRequest, rich_menu_id: int, publish: Callable, success: str
) -> HttpResponse:
    """One publishing step of a menu (``publish(menu=...)``) for a member who may publish:
    LINE's refusal or the success said on the menu's page."""
    require_publish(request)
    menu = menu_or_404(request, rich_menu_id)
    try:
        publish(menu=menu)
    except (ValidationError, publishing.PublishFailed) as exc:
        _refused(request, exc)
    else:
        messages.success(request, success)
    return back_to(request, menu)


@require_POST
def rich_menu_publish(
    request: HttpRequest, workspace_slug: str, account_slug: str, rich_menu_id: int
) -> HttpResponse:
    return _menu_published(
        request, rich_menu_id, publishing.rich_menu_publish, _("Published to LINE.")
    )


@require_POST
def rich_menu_make_default(
    request: HttpRequest, workspace_slug: str, account_slug: str, rich_menu_id: int
) -> HttpResponse:
    return _menu_published(
        request,
        rich_menu_id,
        publishing.rich_menu_default_set,
        _("Friends now see this menu by default."),
    )


@require_POST
def rich_menu_default_cancel(
    request: HttpRequest, workspace_slug: str, account_slug: str
) -> HttpResponse:
    require_publish(request)
    try:
        publishing.rich_menu_default_cancel(account=request.account)
    except publishing.PublishFailed as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The OA has no default menu now."))
    return redirect(_list_url(request))


@require_POST
def rich_menu_archive(
    request: HttpRequest, workspace_slug: str, account_slug: str, rich_menu_id: int
) -> HttpResponse:
    require_publish(request)
    menu = menu_or_404(request, rich_menu_id)
    try:
        publishing.rich_menu_archive(menu=menu)
    except publishing.PublishFailed as exc:
        _refused(request, exc)
        return back_to(request, menu)
    messages.success(request, _("Menu archived and deleted at LINE."))
    return redirect(_list_url(request))


@require_POST
def rich_menu_remove(
    request: HttpRequest, workspace_slug: str, account_slug: str, rich_menu_id: int
) -> HttpResponse:
    require_design(request)
    menu = menu_or_404(request, rich_menu_id)
    try:
        rich_menu_delete(menu=menu)
    except ValidationError as exc:
        _refused(request, exc)
        return back_to(request, menu)
    messages.success(request, _("Menu deleted."))
    return redirect(_list_url(request))


@require_POST
def rich_menu_schedule_add(
    request: HttpRequest, workspace_slug: str, account_slug: str, rich_menu_id: int
) -> HttpResponse:
    require_publish(request)
    menu = menu_or_404(request, rich_menu_id)
    form = ScheduleForm(request.POST, time_zone=request.account.time_zone)
    if form.is_valid():
        starts_at, ends_at = form.moments()
        try:
            schedules.schedule_create(menu=menu, starts_at=starts_at, ends_at=ends_at)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Schedule saved."))
            return back_to(request, menu)
    return render_detail(request, menu, 400, schedule_form=form)


@require_POST
def rich_menu_schedule_cancel(
    request: HttpRequest,
    workspace_slug: str,
    account_slug: str,
    rich_menu_id: int,
    rich_menu_schedule_id: int,
) -> HttpResponse:
    require_publish(request)
    menu = menu_or_404(request, rich_menu_id)
    schedule = (
        RichMenuSchedule.objects.for_account(request.account)
        .filter(menu=menu, pk=rich_menu_schedule_id)
        .first()
    )
    if schedule is None:
        raise Http404
    try:
        schedules.schedule_cancel(schedule=schedule)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Schedule cancelled."))
    return back_to(request, menu)


@require_POST
def rich_menu_tab_set_new(
    request: HttpRequest, workspace_slug: str, account_slug: str
) -> HttpResponse:
    require_design(request)
    form = TabSetForm(request.POST)
    if form.is_valid():
        try:
            tab_set = tab_set_create(account=request.account, name=form.cleaned_data["name"])
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(
                request,
                _("Tab set created: choose it in each menu's form to make the menu a tab."),
            )
            return redirect(
                "rich_menu_tab_set",
                request.workspace.slug,
                request.account.slug,
                tab_set.pk,
            )
    else:
        messages.error(request, _("Give the tab set a name."))
    return redirect(_list_url(request))


@require_http_methods(["GET", "POST"])
def rich_menu_tab_set(
    request: HttpRequest, workspace_slug: str, account_slug: str, rich_menu_tab_set_id: int
) -> HttpResponse:
    """A tab set's tabs in order, and publishing them all (each with its alias)."""
    tab_set = tab_set_get(account=request.account, pk=rich_menu_tab_set_id)
    form = PublishTabsForm(request.POST or None)
    if request.method == "POST":
        require_publish(request)
        if form.is_valid():
            try:
                publishing.tab_set_publish(
                    tab_set=tab_set, make_default=form.cleaned_data["make_default"]
                )
            except (ValidationError, publishing.PublishFailed) as exc:
                _refused(request, exc)
            else:
                messages.success(request, _("Every tab is published to LINE."))
        return redirect(request.path)
    return render(
        request,
        "richmenus/tab_set.html",
        {
            "tab_set": tab_set,
            "tabs": tab_set_menus(tab_set=tab_set),
            "form": form,
            "can_publish": can(request, PUBLISH),
        },
    )
