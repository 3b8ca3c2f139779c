"""Reads of one OA's rich menus, tab sets and schedules."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from oa_console.models import LineAccount
from richmenus.models import RichMenu, RichMenuSchedule, RichMenuTabSet


def rich_menu_list(*, account: LineAccount, include_archived: bool = False) -> QuerySet[RichMenu]:
    menus = RichMenu.objects.for_account(account).select_related("tab_set")
    return menus if include_archived else menus.exclude(status=RichMenu.Status.ARCHIVED)


def rich_menu_get(*, account: LineAccount, pk: int) -> RichMenu:
    """The OA's menu ``pk``; another OA's (or no) menu is a 404, never a 403."""
    menu = RichMenu.objects.for_account(account).select_related("tab_set").filter(pk=pk).first()
    if menu is None:
        raise Http404
    return menu


def rich_menu_default(*, account: LineAccount) -> RichMenu | None:
    return RichMenu.objects.for_account(account).filter(is_default=True).first()


def rich_menu_aliases(*, account: LineAccount, exclude: int | None = None) -> list[tuple[str, str]]:
    """(alias, menu name) of the OA's menus that have one: what a tab switch may point at."""
    menus = (
        RichMenu.objects.for_account(account)
        .exclude(alias="")
        .exclude(status=RichMenu.Status.ARCHIVED)
    )
    if exclude is not None:
        menus = menus.exclude(pk=exclude)
    return list(menus.order_by("alias").values_list("alias", "name"))


def tab_set_list(*, account: LineAccount) -> QuerySet[RichMenuTabSet]:
    return RichMenuTabSet.objects.for_account(account)


def tab_set_get(*, account: LineAccount, pk: int) -> RichMenuTabSet:
    tab_set = RichMenuTabSet.objects.for_account(account).filter(pk=pk).first()
    if tab_set is None:
        raise Http404
    return tab_set


def tab_set_menus(*, tab_set: RichMenuTabSet) -> list[RichMenu]:
    return list(
        RichMenu.objects.for_account(tab_set.account)
        .filter(tab_set=tab_set)
        .exclude(status=RichMenu.Status.ARCHIVED)
        .order_by("tab_position", "id")
    )


def schedule_list(
    *, account: LineAccount, menu: RichMenu | None = None
) -> QuerySet[RichMenuSchedule]:
    schedules = RichMenuSchedule.objects.for_account(account).select_related("menu", "previous")
    return schedules.filter(menu=menu) if menu is not None else schedules
