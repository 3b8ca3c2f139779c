"""The design page and its edits: the menu's fields, its image, and its tap areas.

Each edit posts to its own URL and comes back to the design page; a refused edit shows the
page again with the errors on the form's fields (htmx swaps just that form in).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from oa_console.views._forms import apply_service_errors
from richmenus.forms import AreaForm, ImageForm, MenuForm
from richmenus.models import RichMenu
from richmenus.selectors.menus import rich_menu_aliases
from richmenus.services import areas as area_services
from richmenus.services.areas import AreaInput
from richmenus.services.menus import rich_menu_image_set, rich_menu_update
from richmenus.views.design_common import back_to, menu_or_404, render_detail, require_design


@require_GET
def rich_menu_detail(
    request: HttpRequest, workspace_slug: str, account_slug: str, rich_menu_id: int
) -> HttpResponse:
    return render_detail(request, menu_or_404(request, rich_menu_id))


@require_POST
def rich_menu_edit(
    request: HttpRequest, workspace_slug: str, account_slug: str, rich_menu_id: int
) -> HttpResponse:
    require_design(request)
    menu = menu_or_404(request, rich_menu_id)
    form = MenuForm(request.POST, account=request.account)
    if form.is_valid():
        try:
            rich_menu_update(menu=menu, data=form.menu_input())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Menu saved."))
            return back_to(request, menu)
    menu.refresh_from_db()
    return render_detail(request, menu, 400, menu_form=form)


@require_POST
def rich_menu_image_upload(
    request: HttpRequest, workspace_slug: str, account_slug: str, rich_menu_id: int
) -> HttpResponse:
    require_design(request)
    menu = menu_or_404(request, rich_menu_id)
    form = ImageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            rich_menu_image_set(menu=menu, data=form.data_bytes())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Image uploaded."))
            return back_to(request, menu)
    menu.refresh_from_db()
    return render_detail(request, menu, 400, image_form=form)


def _area_form_post(
    request: HttpRequest,
    rich_menu_id: int,
    save: Callable[[RichMenu, AreaInput], object],
    saved: str,
    editing: int | None = None,
) -> HttpResponse:
    """The area form's post, for a new area or the one at ``editing``: ``save(menu, area)``
    then back to the design page, or the form again with its errors in place."""
    require_design(request)
    menu = menu_or_404(request, rich_menu_id)
    form = AreaForm(
        request.POST, aliases=rich_menu_aliases(account=request.account, exclude=menu.pk)
    )
    if form.is_valid():
        try:
            save(menu, form.area_input())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, saved)
            return back_to(request, menu)
    return render_detail(request, menu, 400, area_form=form, area_editing=editing)


@require_POST
def rich_menu_area_add(
    request: HttpRequest, workspace_slug: str, account_slug: str, rich_menu_id: int
) -> HttpResponse:
    return _area_form_post(
        request,
        rich_menu_id,
        lambda menu, area: area_services.area_add(menu=menu, area=area),
        _("Tap area added."),
    )


@require_POST
def rich_menu_area_edit(
    request: HttpRequest, workspace_slug: str, account_slug: str, rich_menu_id: int
) -> HttpResponse:
    """Save the area at ``position`` (the design page's "Edit" fills the area form with it)."""
    position = _position(request)
    return _area_form_post(
        request,
        rich_menu_id,
        lambda menu, area: area_services.area_update(menu=menu, position=position, area=area),
        _("Tap area saved."),
        editing=position,
    )


def _position(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("position", ""))
    except ValueError:
        return -1


@require_POST
def rich_menu_area_delete(
    request: HttpRequest, workspace_slug: str, account_slug: str, rich_menu_id: int
) -> HttpResponse:
    require_design(request)
    menu = menu_or_404(request, rich_menu_id)
    try:
        area_services.area_delete(menu=menu, position=_position(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Tap area deleted."))
    return back_to(request, menu)
