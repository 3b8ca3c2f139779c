"""Designing a menu: its name, chat bar text, alias and tab, and its image.

The image decides the menu's size. LINE takes a JPEG or PNG of 800 to 2500 pixels wide, at
least 250 high, at least 1.45 times as wide as high and at most 1 MB; its two templates are
2500 x 1686 (large) and 2500 x 843 (compact). The real format and pixel size are read from the
file's bytes, never from its name or the browser's claim. The file is kept in media storage
under a random name and shown only through a member-checked view.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from oa_console.line import rich_menus as line
from oa_console.models import LineAccount
from richmenus.models import RichMenu, RichMenuArea, RichMenuTabSet
from richmenus.services.areas import ALIAS

SIZE_TEMPLATES = {"large": (2500, 1686), "compact": (2500, 843)}
CUSTOM = "custom"


@dataclass(frozen=True)
class MenuInput:
    name: str
    chat_bar_text: str
    opens_by_default: bool = False
    alias: str = ""
    size: str = "large"  # a template of SIZE_TEMPLATES, or CUSTOM (the image's own size)
    tab_set: RichMenuTabSet | None = None
    tab_position: int = 0


def _check(account: LineAccount, data: MenuInput, menu: RichMenu | None) -> None:
    errors: dict[str, list[str]] = {}
    if not data.name.strip():
        errors["name"] = [_("Give the menu a name.")]
    if not data.chat_bar_text.strip():
        errors["chat_bar_text"] = [_("Write the text of the chat bar that opens the menu.")]
    elif len(data.chat_bar_text) > line.MAX_CHAT_BAR_TEXT:
        errors["chat_bar_text"] = [
            _("The chat bar shows at most %(max)s characters (this has %(count)s).")
            % {"max": line.MAX_CHAT_BAR_TEXT, "count": len(data.chat_bar_text)}
        ]
    if data.alias and not ALIAS.match(data.alias):
        errors["alias"] = [
            _("An alias is 1 to 32 lower-case letters, digits, hyphens or underscores.")
        ]
    elif data.alias:
        taken = RichMenu.objects.for_account(account).filter(alias=data.alias)
        if menu is not None:
            taken = taken.exclude(pk=menu.pk)
        if taken.exists():
            errors["alias"] = [_("Another menu of this OA already uses this alias.")]
    if data.size not in (*SIZE_TEMPLATES, CUSTOM):
        errors["size"] = [_("Choose a size.")]
    if data.tab_set is not None and data.tab_set.account_id != account.pk:
        errors["tab_set"] = [_("Choose a tab set of this OA.")]
    if errors:
        raise ValidationError(errors)


def _fields(data: MenuInput) -> dict:
    fields = {
        "name": data.name.strip(),
        "chat_bar_text": data.chat_bar_text,
        "opens_by_default": data.opens_by_default,
        "alias": data.alias,
        "tab_set": data.tab_set,
        "tab_position": data.tab_position,
        "size_template": data.size,
    }
    if data.size in SIZE_TEMPLATES:
        fields["width"], fields["height"] = SIZE_TEMPLATES[data.size]
    return fields


def size_of(menu: RichMenu) -> str:
    return menu.size_template if menu.size_template in SIZE_TEMPLATES else CUSTOM


@transaction.atomic
def rich_menu_create(*, account: LineAccount, data: MenuInput) -> RichMenu:
    _check(account, data, None)
    try:
        return RichMenu.objects.for_account(account).create(account=account, **_fields(data))
    except IntegrityError as exc:  # the same alias saved at the same moment
        raise ValidationError(
            {"alias": [_("Another menu of this OA already uses this alias.")]}
        ) from exc


@transaction.atomic
def rich_menu_update(*, menu: RichMenu, data: MenuInput) -> RichMenu:
    """Change the design; a published menu keeps showing at LINE until it is published again
    (LINE cannot change a created menu), so it is marked changed."""
    _check(menu.account, data, menu)
    fields = _fields(data)
    resized = data.size in SIZE_TEMPLATES and SIZE_TEMPLATES[data.size] != (menu.width, menu.height)
    if resized and menu.image:
        raise ValidationError(
            {
                "size": [
                    _(
                        "The image is %(width)s x %(height)s: upload an image of the new size instead."
                    )
                    % {"width": menu.width, "height": menu.height}
                ]
            }
        )
    design = ("chat_bar_text", "opens_by_default", "alias", "width", "height")
    changed = any(getattr(menu, name) != fields[name] for name in design if name in fields)
    for name, value in fields.items():
        setattr(menu, name, value)
    if changed and menu.line_rich_menu_id:
        menu.changed_since_publish = True
    try:
        with transaction.atomic():
            menu.save()
    except IntegrityError as exc:
        raise ValidationError(
            {"alias": [_("Another menu of this OA already uses this alias.")]}
        ) from exc
    return menu


def image_check(*, menu: RichMenu, data: bytes, size: str) -> line.ImageInfo:
    """The image's real format and size if LINE takes it for ``menu`` (``size``: the template
    chosen, or CUSTOM), else a ValidationError on ``image`` saying what is wrong."""
    info = line.image_info(data)
    if info is None:
        raise ValidationError({"image": [_("LINE takes a JPEG or PNG image only.")]})
    problems = []
    if len(data) > line.MAX_IMAGE_BYTES:
        problems.append(_("The image is larger than 1 MB, the most LINE takes."))
    if size in SIZE_TEMPLATES and (info.width, info.height) != SIZE_TEMPLATES[size]:
        width, height = SIZE_TEMPLATES[size]
        problems.append(
            _("The image is %(actual)s pixels; this size needs %(width)s x %(height)s.")
            % {"actual": f"{info.width} x {info.height}", "width": width, "height": height}
        )
    elif not (line.MIN_WIDTH <= info.width <= line.MAX_WIDTH):
        problems.append(
            _("The image is %(width)s pixels wide; LINE takes %(min)s to %(max)s.")
            % {"width": info.width, "min": line.MIN_WIDTH, "max": line.MAX_WIDTH}
        )
    elif info.height < line.MIN_HEIGHT:
        problems.append(
            _("The image is %(height)s pixels high; LINE takes at least %(min)s.")
            % {"height": info.height, "min": line.MIN_HEIGHT}
        )
    elif info.width / info.height < line.MIN_ASPECT:
        problems.append(
            _("The image must be at least %(ratio)s times as wide as it is high.")
            % {"ratio": line.MIN_ASPECT}
        )
    if problems:
        raise ValidationError({"image": problems})
    return info


@transaction.atomic
def rich_menu_image_set(*, menu: RichMenu, data: bytes, size: str | None = None) -> RichMenu:
    """Store the menu's image (checked first) and take its size. Areas that no longer fit the
    new size are refused, so a smaller image cannot leave areas off the picture."""
    info = image_check(menu=menu, data=data, size=size or size_of(menu))
    outside = [
        area.label or str(number)
        for number, area in enumerate(
            RichMenuArea.objects.for_account(menu.account).filter(menu=menu), 1
        )
        if area.x + area.width > info.width or area.y + area.height > info.height
    ]
    if outside:
        raise ValidationError(
            {
                "image": [
                    _(
                        "These areas would be outside the new image: %(areas)s. Move or delete them first."
                    )
                    % {"areas": ", ".join(outside)}
                ]
            }
        )
    extension = "png" if info.content_type == "image/png" else "jpg"
    name = default_storage.save(
        f"rich-menus/{menu.account_id}/{uuid.uuid4().hex}.{extension}", ContentFile(data)
    )
    old = menu.image
    menu.image, menu.image_content_type = name, info.content_type
    menu.width, menu.height = info.width, info.height
    if menu.line_rich_menu_id:
        menu.changed_since_publish = True
    menu.save()
    if old:
        transaction.on_commit(lambda: default_storage.delete(old))
    return menu


def rich_menu_image_read(*, menu: RichMenu) -> bytes | None:
    if not menu.image or not default_storage.exists(menu.image):
        return None
    with default_storage.open(menu.image, "rb") as handle:
        return handle.read()


@transaction.atomic
def tab_set_create(*, account: LineAccount, name: str) -> RichMenuTabSet:
    if not name.strip():
        raise ValidationError({"name": [_("Give the tab set a name.")]})
    return RichMenuTabSet.objects.for_account(account).create(
        account=account, name=name.strip()[:100]
    )


@transaction.atomic
def rich_menu_delete(*, menu: RichMenu) -> None:
    """Delete a menu that LINE never had (a draft or a failed publish); published ones are
    archived instead (``publishing.rich_menu_archive``)."""
    if menu.line_rich_menu_id:
        raise ValidationError(_("This menu is at LINE: archive it, which deletes it there too."))
    image = menu.image
    menu.delete()
    if image:
        transaction.on_commit(lambda: default_storage.delete(image))
