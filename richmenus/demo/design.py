"""``seed_rich_menus``: each demo OA's tabbed default menu (two tabs joined by aliases).

Each tab is a compact menu (2500 x 843) whose picture is drawn here (the project bundles no
imaging library): a strip of two tab headers, the open one highlighted, over three coloured
tiles. Its tap areas switch to the other tab (``richmenuswitch``), open the shop, send a
message or pick a date, labelled in the OA's language.

The demo is seeded before the console's web server (and so its simulated LINE) runs, so the
menus are recorded as the simulated LINE publishes them (its ids, its answers) without an HTTP
round trip; republishing, archiving and the default buttons then go to the simulated LINE.
An OA that already has a tab set is left alone.
"""

from __future__ import annotations

import struct
import uuid
import zlib
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from oa_console.tenancy import tenant_scope
from richmenus.models import RichMenu, RichMenuArea, RichMenuTabSet
from richmenus.services.areas import AreaInput, action_for

if TYPE_CHECKING:
    from oa_console.management.commands.seed_demo import DemoTenancy

DEMO_ORDER = 37  # after the CRM's friends (30), before the broadcasts (40)
WIDTH, HEIGHT, STRIP = 2500, 843, 160
LANGUAGE_BY_OA = {
    "taipei-cafe": "zh_Hant",
    "tokyo-cosmetics": "ja",
    "bangkok-fitness": "th",
    "kumo-tea": "ja",
}
# (tab set, first tab, second tab, tiles of the first, tiles of the second, chat bar)
TEXTS = {
    "ja": (
        "メインメニュー",
        "ショップ",
        "お知らせ",
        ("新商品", "クーポン", "予約"),
        ("ニュース", "店舗", "お問い合わせ"),
        "メニュー",
    ),
    "zh_Hant": (
        "主選單",
        "商店",
        "最新消息",
        ("新品", "優惠券", "預約"),
        ("消息", "門市", "聯絡我們"),
        "選單",
    ),
    "th": (
        "เมนูหลัก",
        "ร้านค้า",
        "ข่าวสาร",
        ("สินค้าใหม่", "คูปอง", "จองคลาส"),
        ("ข่าว", "สาขา", "ติดต่อเรา"),
        "เมนู",
    ),
}
PALETTE = ((6, 199, 85), (255, 183, 77), (79, 140, 255), (236, 72, 153), (20, 184, 166))


def _png(rows: list[bytes]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 2, 0, 0, 0)
    raw = zlib.compress(b"".join(b"\x00" + row for row in rows), 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def tab_picture(active: int, colours: tuple[tuple[int, int, int], ...]) -> bytes:
    """Two tab headers (``active`` highlighted) over three tiles with white gutters."""
    half = WIDTH // 2
    strip = b"".join(
        bytes((255, 255, 255) if tab == active else (225, 228, 232)) * half for tab in (0, 1)
    )
    gutter = bytes((255, 255, 255)) * 12
    tile = (WIDTH - 12 * 4) // 3
    body = gutter + gutter.join(bytes(colour) * tile for colour in colours) + gutter
    body += bytes((255, 255, 255)) * (WIDTH * 3 - len(body)) if len(body) < WIDTH * 3 else b""
    body = body[: WIDTH * 3]
    underline = b"".join(
        bytes((6, 199, 85) if tab == active else (225, 228, 232)) * half for tab in (0, 1)
    )
    white = bytes((255, 255, 255)) * WIDTH
    rows = [strip] * (STRIP - 10) + [underline] * 10 + [white] * 12
    rows += [body] * (HEIGHT - len(rows) - 12) + [white] * 12
    return _png(rows)


def tiles_picture(colours: tuple[tuple[int, int, int], ...]) -> bytes:
    """Tiles side by side with white gutters, a menu without tabs (the demo's segment menu)."""
    gutter = bytes((255, 255, 255)) * 12
    tile = (WIDTH - 12 * (len(colours) + 1)) // len(colours)
    body = gutter + gutter.join(bytes(colour) * tile for colour in colours) + gutter
    body = (body + bytes((255, 255, 255)) * WIDTH * 3)[: WIDTH * 3]
    white = bytes((255, 255, 255)) * WIDTH
    return _png([white] * 12 + [body] * (HEIGHT - 24) + [white] * 12)


def demo_image_save(account, picture: bytes) -> str:
    """Store a demo menu's PNG where uploaded menu images go; answers its storage name."""
    return default_storage.save(
        f"rich-menus/{account.pk}/{uuid.uuid4().hex}.png", ContentFile(picture)
    )


def _tab(account, tab_set, *, position, name, alias, chat_bar, picture, areas) -> RichMenu:
    image = demo_image_save(account, picture)
    menu = RichMenu.objects.for_account(account).create(
        account=account,
        name=name,
        chat_bar_text=chat_bar,
        width=WIDTH,
        height=HEIGHT,
        size_template="compact",
        opens_by_default=True,
        image=image,
        image_content_type="image/png",
        alias=alias,
        line_alias=alias,
        tab_set=tab_set,
        tab_position=position,
        status=RichMenu.Status.PUBLISHED,
        line_rich_menu_id=f"richmenu-{uuid.uuid4().hex}",
        published_at=timezone.now(),
        is_default=position == 0,
    )
    RichMenuArea.objects.for_account(account).bulk_create(
        RichMenuArea(
            account=account,
            menu=menu,
            position=number,
            x=area.x,
            y=area.y,
            width=area.width,
            height=area.height,
            label=area.label,
            action=action_for(area),
        )
        for number, area in enumerate(areas)
    )
    return menu


def _areas(other_alias: str, other_name: str, active: int, tiles, shop: str) -> list[AreaInput]:
    half, tile = WIDTH // 2, (WIDTH - 12 * 4) // 3
    switch = AreaInput(
        0 if active == 1 else half, 0, half, STRIP, other_name, "richmenuswitch", other_alias
    )
    top = STRIP + 12
    height = HEIGHT - top - 12
    x = [12 + i * (tile + 12) for i in range(3)]
    first, second, third = tiles
    if active == 0:
        actions = [
            AreaInput(x[0], top, tile, height, first, "uri", shop),
            AreaInput(x[1], top, tile, height, second, "message", second),
            AreaInput(
                x[2], top, tile, height, third, "datetimepicker", data="reserve", mode="date"
            ),
        ]
    else:
        actions = [
            AreaInput(x[0], top, tile, height, first, "uri", shop + "news"),
            AreaInput(x[1], top, tile, height, second, "message", second),
            AreaInput(x[2], top, tile, height, third, "postback", "contact"),
        ]
    return [switch, *actions]


def seed_rich_menus(demo: DemoTenancy) -> int:
    created = 0
    for slug, account in demo.accounts.items():
        texts = TEXTS[LANGUAGE_BY_OA.get(slug, "ja")]
        set_name, first, second, tiles_a, tiles_b, chat_bar = texts
        with tenant_scope(workspace=account.workspace, account=account):
            if RichMenuTabSet.objects.for_account(account).exists():
                continue
            tab_set = RichMenuTabSet.objects.for_account(account).create(
                account=account, name=set_name
            )
            shop = f"https://{slug}.example/"
            aliases = (f"{slug[:20]}-a", f"{slug[:20]}-b")
            for position, (name, tiles) in enumerate(((first, tiles_a), (second, tiles_b))):
                other = 1 - position
                _tab(
                    account,
                    tab_set,
                    position=position,
                    name=name,
                    alias=aliases[position],
                    chat_bar=chat_bar,
                    picture=tab_picture(position, PALETTE[position : position + 3]),
                    areas=_areas(aliases[other], (first, second)[other], position, tiles, shop),
                )
            created += 3
    return created
