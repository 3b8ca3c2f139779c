"""Rich menu pages of one OA: the list (menus, tab sets, the default), a new menu, the design
page and the menu's image.

Plain forms and links, so everything works without JavaScript; the area editor
(static/richmenus/area-editor.js) only fills the area form's numbers by drawing.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from oa_console.permissions import can
from oa_console.views._forms import apply_service_errors
from oa_console.views._render import render_page
from richmenus.forms import MenuForm, TabSetForm
from richmenus.selectors import menus as selectors
from richmenus.services.menus import rich_menu_create, rich_menu_image_read
from richmenus.views.design_common import (
    DESIGN,
    PER_PAGE,
    PUBLISH,
    back_to,
    menu_or_404,
    require_design,
)


@require_GET
def rich_menu_list(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    account = request.account
    show_archived = request.GET.get("archived") == "1"
    menus = selectors.rich_menu_list(account=account, include_archived=show_archived)
    page = Paginator(menus, PER_PAGE).get_page(request.GET.get("page"))
    tab_sets = Paginator(selectors.tab_set_list(account=account), PER_PAGE).get_page(
        request.GET.get("tabs_page")
    )
    return render_page(
        request,
        "richmenus/list.html",
        {
            "page_obj": page,
            "tab_sets": tab_sets,
            "default_menu": selectors.rich_menu_default(account=account),
            "show_archived": show_archived,
            "tab_set_form": TabSetForm(),
            "can_design": can(request, DESIGN),
            "can_publish": can(request, PUBLISH),
        },
    )


@require_http_methods(["GET", "POST"])
def rich_menu_new(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    require_design(request)
    account = request.account
    form = MenuForm(
        request.POST or None, account=account, initial={"size": "large", "tab_position": 0}
    )
    if request.method == "POST" and form.is_valid():
        try:
            menu = rich_menu_create(account=account, data=form.menu_input())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, _("Menu “%(name)s” created: now upload its image.") % {"name": menu.name}
            )
            return back_to(request, menu)
    status = 400 if request.method == "POST" else 200
    return render(request, "richmenus/new.html", {"form": form}, status=status)


@require_GET
def rich_menu_image(
    request: HttpRequest, workspace_slug: str, account_slug: str, rich_menu_id: int
) -> HttpResponse:
    """The menu's image, for members only (it is not public until LINE shows it)."""
    menu = menu_or_404(request, rich_menu_id)
    data = rich_menu_image_read(menu=menu)
    if data is None:
        raise Http404
    response = HttpResponse(data, content_type=menu.image_content_type or "image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response
