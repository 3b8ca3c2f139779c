"""Publishing menus to LINE: create the menu, upload its image, point its alias at it, and the
OA's default menu.

LINE forbids changing a created menu, so publishing a menu that is already at LINE creates a
new LINE menu, moves its alias and the default to it, and only then deletes the old one:
friends never see a menu without its image or a tab that switches nowhere. A step LINE refuses
leaves LINE as it was (the half-created menu is deleted) and is recorded on the row with
LINE's reason; the page shows it. The calls are few and the member waits for them, so they run
in the request; the schedules' beat task uses the same services.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oa_console.line import rich_menus as line
from oa_console.line.outcomes import Outcome
from richmenus.models import RichMenu, RichMenuArea, RichMenuTabSet
from richmenus.selectors.menus import rich_menu_aliases, tab_set_menus
from richmenus.services.areas import areas_errors, current_areas
from richmenus.services.links import tracked_uri
from richmenus.services.menus import rich_menu_image_read

Status = RichMenu.Status


class PublishFailed(Exception):
    """LINE refused a step; ``message`` is what the page shows (LINE's reason included)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def line_menu(menu: RichMenu) -> dict:
    """The menu as LINE's ``RichMenuRequest`` (links wrapped in the click redirect)."""
    areas = RichMenuArea.objects.for_account(menu.account).filter(menu=menu)
    return {
        "size": {"width": menu.width, "height": menu.height},
        "selected": menu.opens_by_default,
        "name": menu.name[:300],
        "chatBarText": menu.chat_bar_text,
        "areas": [
            {
                "bounds": {"x": a.x, "y": a.y, "width": a.width, "height": a.height},
                "action": _tracked(menu, a.action),
            }
            for a in areas
        ],
    }


def _tracked(menu: RichMenu, action: dict) -> dict:
    """A link action goes through the console's click redirect, so its taps are counted."""
    if action.get("type") != "uri":
        return action
    return {**action, "uri": tracked_uri(menu, action.get("uri", ""))}


def _reason(step: str, outcome: Outcome) -> str:
    said = outcome.message or outcome.reason or outcome.error or str(outcome.status or "")
    return _("LINE refused to %(step)s: %(reason)s") % {"step": step, "reason": said}


def _ready(menu: RichMenu, *, tab_aliases: set[str] = frozenset()) -> bytes:
    """The image, once the design is complete; a ValidationError names what is missing."""
    if menu.status == Status.ARCHIVED:
        raise ValidationError(_("An archived menu cannot be published."))
    image = rich_menu_image_read(menu=menu)
    if image is None:
        raise ValidationError(_("Upload the menu's image before publishing."))
    aliases = {alias for alias, _name in rich_menu_aliases(account=menu.account)} | tab_aliases
    problems = areas_errors(menu, current_areas(menu), aliases=aliases)
    if not RichMenuArea.objects.for_account(menu.account).filter(menu=menu).exists():
        problems.append(_("Draw at least one tap area."))
    if problems:
        raise ValidationError(problems)
    return image


def _failed(menu: RichMenu, message: str) -> None:
    RichMenu.objects.for_account(menu.account).filter(pk=menu.pk).update(
        status=Status.FAILED if not menu.line_rich_menu_id else menu.status,
        error=message,
        updated_at=timezone.now(),
    )
    menu.refresh_from_db()
    raise PublishFailed(message)


def _create_at_line(menu: RichMenu, image: bytes) -> str:
    """Create the menu and its image at LINE; the new LINE id, or PublishFailed with LINE
    left as it was."""
    account = menu.account
    created = line.rich_menu_create(account=account, menu=line_menu(menu))
    if not created.accepted:
        _failed(menu, _reason(_("create the menu"), created))
    new_id = created.data.rich_menu_id
    uploaded = line.rich_menu_image_upload(
        account=account,
        rich_menu_id=new_id,
        image=image,
        content_type=menu.image_content_type or "image/png",
    )
    if not uploaded.accepted:
        line.rich_menu_delete(account=account, rich_menu_id=new_id)
        _failed(menu, _reason(_("take the image"), uploaded))
    if menu.alias:
        aliased = line.rich_menu_alias_create(
            account=account, alias=menu.alias, rich_menu_id=new_id
        )
        if line.alias_conflict(aliased):  # the alias is at LINE already: move it to this menu
            aliased = line.rich_menu_alias_update(
                account=account, alias=menu.alias, rich_menu_id=new_id
            )
        if not aliased.accepted:
            line.rich_menu_delete(account=account, rich_menu_id=new_id)
            _failed(menu, _reason(_("set the alias"), aliased))
    return new_id


def rich_menu_publish(*, menu: RichMenu, tab_aliases: set[str] = frozenset()) -> RichMenu:
    """Create ``menu`` at LINE (again, when it is there already: the old LINE menu is retired
    once the new one carries the alias and the default). Raises ValidationError for an
    incomplete design, PublishFailed when LINE refused (recorded on the row)."""
    image = _ready(menu, tab_aliases=tab_aliases)
    old_id = menu.line_rich_menu_id
    new_id = _create_at_line(menu, image)
    if menu.is_default:
        moved = line.rich_menu_default_set(account=menu.account, rich_menu_id=new_id)
        if not moved.accepted:
            line.rich_menu_delete(account=menu.account, rich_menu_id=new_id)
            _failed(menu, _reason(_("make it the default menu"), moved))
    if old_id:
        # Best effort: a LINE menu left behind is unused (nothing points at it any more).
        line.rich_menu_delete(account=menu.account, rich_menu_id=old_id)
    if menu.line_alias and menu.line_alias != menu.alias:
        line.rich_menu_alias_delete(account=menu.account, alias=menu.line_alias)
    with transaction.atomic():
        menu.line_rich_menu_id = new_id
        menu.line_alias = menu.alias
        menu.status = Status.PUBLISHED
        menu.error = ""
        menu.changed_since_publish = False
        menu.published_at = timezone.now()
        menu.save()
    return menu


def tab_set_publish(*, tab_set: RichMenuTabSet, make_default: bool = False) -> list[RichMenu]:
    """Publish every tab of the set (each with its alias); with ``make_default`` the first tab
    becomes the OA's default menu. Tabs that switch to each other may all be new: their
    aliases count as known while the set is published."""
    menus = tab_set_menus(tab_set=tab_set)
    if len(menus) < 2:
        raise ValidationError(_("A tab set needs at least two menus."))
    missing = [menu.name for menu in menus if not menu.alias]
    if missing:
        raise ValidationError(
            _("Give every tab an alias (tabs switch to each other by alias): %(menus)s")
            % {"menus": ", ".join(missing)}
        )
    aliases = {menu.alias for menu in menus}
    for menu in menus:
        _ready(menu, tab_aliases=aliases)
    for menu in menus:
        rich_menu_publish(menu=menu, tab_aliases=aliases)
    if make_default:
        rich_menu_default_set(menu=menus[0])
    return menus


def rich_menu_default_set(*, menu: RichMenu) -> RichMenu:
    """Make the published ``menu`` what every friend without a menu of their own sees."""
    if menu.status != Status.PUBLISHED or not menu.line_rich_menu_id:
        raise ValidationError(_("Publish the menu before making it the default."))
    outcome = line.rich_menu_default_set(account=menu.account, rich_menu_id=menu.line_rich_menu_id)
    if not outcome.accepted:
        _failed(menu, _reason(_("make it the default menu"), outcome))
    with transaction.atomic():
        menus = RichMenu.objects.for_account(menu.account)
        menus.filter(is_default=True).exclude(pk=menu.pk).update(is_default=False)
        menus.filter(pk=menu.pk).update(is_default=True, error="")
    menu.refresh_from_db()
    return menu


def rich_menu_default_cancel(*, account) -> None:
    """Leave the OA without a default menu (friends see none unless linked to one)."""
    outcome = line.rich_menu_default_cancel(account=account)
    if not outcome.accepted:
        raise PublishFailed(_reason(_("cancel the default menu"), outcome))
    RichMenu.objects.for_account(account).filter(is_default=True).update(is_default=False)


def rich_menu_archive(*, menu: RichMenu) -> RichMenu:
    """Take the menu off LINE (its alias and the LINE menu deleted) and keep it in the console
    as archived. A menu LINE no longer has (404) is archived all the same."""
    account = menu.account
    if menu.line_rich_menu_id:
        if menu.line_alias:
            line.rich_menu_alias_delete(account=account, alias=menu.line_alias)
        deleted = line.rich_menu_delete(account=account, rich_menu_id=menu.line_rich_menu_id)
        if not deleted.accepted and not deleted.not_found:
            raise PublishFailed(_reason(_("delete the menu"), deleted))
    menu.status = Status.ARCHIVED
    menu.is_default = False
    menu.line_rich_menu_id = ""
    menu.alias = menu.line_alias = ""
    menu.save()
    return menu
