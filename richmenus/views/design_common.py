"""What every rich menu page needs: who may do what, the menu in the URL, the design page's
context (the preview, its areas and every form) and the redirect back to it."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from oa_console.permissions import can, require
from oa_console.roles import Capability
from oa_console.views._render import render_page
from richmenus.forms import AreaForm, ImageForm, MenuForm, ScheduleForm, menu_initial
from richmenus.models import RichMenu, RichMenuArea
from richmenus.selectors.menus import rich_menu_aliases, rich_menu_get, schedule_list
from richmenus.services.areas import area_value
from richmenus.services.links import rich_menu_click_counts
from richmenus.services.menus import size_of

# Designing a menu is drafting content, as a broadcast; publishing it changes what every
# friend sees at once, so it takes the role that approves broadcasts.
DESIGN = Capability.DRAFT_BROADCASTS
PUBLISH = Capability.APPROVE_BROADCASTS
PER_PAGE = 25
DETAIL_PARTIALS = ["area-form", "menu-form"]


def require_design(request: HttpRequest) -> None:
    require(request, DESIGN)


def require_publish(request: HttpRequest) -> None:
    require(request, PUBLISH)


def menu_or_404(request: HttpRequest, rich_menu_id: int) -> RichMenu:
    return rich_menu_get(account=request.account, pk=rich_menu_id)


def detail_url(request: HttpRequest, menu: RichMenu) -> str:
    return reverse("rich_menu_detail", args=[request.workspace.slug, request.account.slug, menu.pk])


def back_to(request: HttpRequest, menu: RichMenu) -> HttpResponse:
    """Back to the design page; an htmx form (the area form) reloads it whole, since the
    preview and the area list changed too."""
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(detail_url(request, menu))
    return redirect(detail_url(request, menu))


def preview_areas(menu: RichMenu) -> list[dict]:
    """Each area as the preview draws it: its box in percent of the image, a label, and for a
    link its taps of the last 30 days."""
    areas = RichMenuArea.objects.for_account(menu.account).filter(menu=menu)
    clicks = rich_menu_click_counts(menu=menu)
    return [
        {
            "number": number,
            "position": number - 1,
            "label": area.label or str(number),
            "left": round(area.x * 100 / menu.width, 3),
            "top": round(area.y * 100 / menu.height, 3),
            "width": round(area.width * 100 / menu.width, 3),
            "height": round(area.height * 100 / menu.height, 3),
            "area": area,
            "action": area_value(area),
            "clicks": clicks.get(area.action.get("uri", ""), 0),
        }
        for number, area in enumerate(areas, 1)
    ]


def _area_form(request: HttpRequest, menu: RichMenu, aliases, forms: dict) -> dict:
    """The area form: a new area's, or with ``?edit=<position>`` (or a refused edit) the
    form of that area, filled with it."""
    editing = forms.get("area_editing")
    if editing is None and request.method == "GET":
        try:
            editing = int(request.GET.get("edit", ""))
        except ValueError:
            editing = None
    areas = list(RichMenuArea.objects.for_account(menu.account).filter(menu=menu))
    if editing is None or not 0 <= editing < len(areas):
        return {"area_form": forms.get("area_form") or AreaForm(aliases=aliases)}
    area = areas[editing]
    initial = {
        "label": area.label,
        "x": area.x,
        "y": area.y,
        "width": area.width,
        "height": area.height,
        **area_value(area),
    }
    if initial["type"] == "richmenuswitch":
        initial["alias"] = initial.pop("value")
    return {
        "area_form": forms.get("area_form") or AreaForm(initial=initial, aliases=aliases),
        "area_editing": editing,
        "area_editing_number": editing + 1,
    }


def render_detail(request: HttpRequest, menu: RichMenu, status: int = 200, **forms) -> HttpResponse:
    """The design page; ``forms`` replaces a form with the bound one whose errors it shows."""
    account = request.account
    aliases = rich_menu_aliases(account=account, exclude=menu.pk)
    context = {
        "menu": menu,
        "areas": preview_areas(menu),
        "aliases": aliases,
        "menu_form": forms.get("menu_form")
        or MenuForm(initial=menu_initial(menu, size_of(menu)), account=account),
        "image_form": forms.get("image_form") or ImageForm(),
        **_area_form(request, menu, aliases, forms),
        "schedule_form": forms.get("schedule_form") or ScheduleForm(time_zone=account.time_zone),
        "schedules": Paginator(schedule_list(account=account, menu=menu), PER_PAGE).get_page(
            request.GET.get("page")
        ),
        "can_design": can(request, DESIGN),
        "can_publish": can(request, PUBLISH),
        "max_areas": 20,
    }
    response = render_page(request, "richmenus/detail.html", context, partials=DETAIL_PARTIALS)
    if status != 200 and not getattr(request, "htmx", False):
        response.status_code = status
    return response
