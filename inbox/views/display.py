"""A message as the conversation page shows it: what LINE sent, in words a member reads.

Images, videos, audio and files are shown inline once fetched (``inbox.services.media``),
through the member-checked media view; until then, or when LINE no longer has them, they are
labelled with why. Stickers and LINE emoji are images from LINE's public CDN (the sticker's
and emoji's ids are the alt text, which browsers show when the image cannot load).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inbox.models import ConversationMessage, MessageContent

Type = ConversationMessage.Type
Content = MessageContent.Status
MEDIA_TYPES = {Type.IMAGE, Type.VIDEO, Type.AUDIO, Type.FILE}
# LINE's public sticker CDN (the static image of a sticker, as LINE's sticker list shows it)
# and the LINE emoji images of LINE's emoji list; both hosts are in the CSP's img-src.
STICKER_URL = (
    "https://stickershop.line-scdn.net/stickershop/v1/sticker/{sticker}/android/sticker.png"
)
EMOJI_URL = "https://stickershop.line-scdn.net/sticonshop/v1/sticon/{product}/android/{emoji}.png"
_IDS = re.compile(r"[0-9A-Za-z]{1,64}")


@dataclass(frozen=True)
class TextPart:
    """A run of a text message: plain, or a LINE emoji shown as its placeholder text."""

    text: str
    emoji: str = ""  # "<productId>/<emojiId>" for a LINE emoji
    image_url: str = ""  # the emoji's image on LINE's CDN (ids that fit LINE's shape only)


@dataclass
class MessageView:
    message: ConversationMessage
    parts: list[TextPart] = field(default_factory=list)
    label: str = ""
    details: list[str] = field(default_factory=list)
    map_url: str = ""
    sticker_url: str = ""
    # "image", "video", "audio" or "file" once the content is stored: the template shows it
    # through the media view; ``file_name`` and ``file_size`` label a file's download link.
    media: str = ""
    file_name: str = ""
    file_size: str = ""
    link_url: str = ""  # content the sender's server keeps (contentProvider "external")
    sender: str = ""  # what sent an outbound message: the member's name for a manual answer


def sticker_image_url(sticker: object) -> str:
    """The sticker's static image on LINE's CDN; "" for an id that is not LINE's digits (so
    nothing a friend sends can point the page anywhere else)."""
    sticker = str(sticker or "")
    return STICKER_URL.format(sticker=sticker) if sticker.isdigit() and sticker.isascii() else ""


def _emoji_url(product: object, emoji: object) -> str:
    product, emoji = str(product or ""), str(emoji or "")
    if _IDS.fullmatch(product) and _IDS.fullmatch(emoji):
        return EMOJI_URL.format(product=product, emoji=emoji)
    return ""


def text_parts(text: str, emojis: object) -> list[TextPart]:
    """Split ``text`` at its LINE emojis (``index``/``length`` in UTF-16 code units, as LINE
    counts them) so each is shown as an emoji placeholder; a malformed entry is ignored."""
    units = text.encode("utf-16-le")
    spans = []
    for emoji in emojis if isinstance(emojis, list) else []:
        try:
            # The OA's own messages have no length: each emoji is its one "$" placeholder.
            start, length = int(emoji["index"]), int(emoji.get("length", 1))
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
        if start >= 0 and length > 0 and (start + length) * 2 <= len(units):
            spans.append((start, length, emoji.get("productId"), emoji.get("emojiId")))
    parts, position = [], 0
    for start, length, product, emoji_id in sorted(spans, key=lambda span: span[:2]):
        if start < position:
            continue  # overlapping entries: the first wins
        if start > position:
            parts.append(TextPart(units[position * 2 : start * 2].decode("utf-16-le", "replace")))
        chunk = units[start * 2 : (start + length) * 2].decode("utf-16-le", "replace")
        parts.append(
            TextPart(
                # A sent emoji's "$" says nothing: its ids are the alt text instead.
                chunk if chunk != "$" else f"({product or ''}/{emoji_id or ''})",
                emoji=f"{product or ''}/{emoji_id or ''}",
                image_url=_emoji_url(product, emoji_id),
            )
        )
        position = start + length
    if position * 2 < len(units):
        parts.append(TextPart(units[position * 2 :].decode("utf-16-le", "replace")))
    return parts


def _duration(milliseconds: object) -> str:
    try:
        seconds = round(int(milliseconds) / 1000)
    except (TypeError, ValueError):
        return ""
    return _("%(minutes)d:%(seconds)02d long") % {"minutes": seconds // 60, "seconds": seconds % 60}


def _content_of(message: ConversationMessage) -> MessageContent | None:
    """The message's content row when the query brought it (``select_related("content")``);
    None for messages from before content fetching, and the OA's own."""
    try:
        return message.content
    except MessageContent.DoesNotExist:
        return None


def _media(view: MessageView, kind: str, payload: dict) -> None:
    content = _content_of(view.message)
    label = Type(kind).label
    status = content.status if content else ""
    if status == Content.STORED:
        view.media = kind
        if kind == Type.FILE:
            view.file_name = str(payload.get("fileName") or _("File"))
            view.file_size = filesizeformat(content.size or 0)
        return
    if status == Content.EXTERNAL:
        provider = payload.get("contentProvider") or {}
        url = str(provider.get("originalContentUrl") or "")
        view.link_url = url if url.startswith("https://") else ""
        view.label = _("%(type)s kept by the sender's server") % {"type": label}
    elif status == Content.PENDING:
        view.label = _("%(type)s, being fetched from LINE") % {"type": label}
    elif status == Content.GONE:
        view.label = _("%(type)s, no longer available from LINE") % {"type": label}
    elif status == Content.TOO_LARGE:
        view.label = _("%(type)s too large to keep (over %(limit)s)") % {
            "type": label,
            "limit": filesizeformat(settings.CHAT_MEDIA_MAX_BYTES),
        }
    elif status == Content.FAILED:
        view.label = _("%(type)s could not be fetched from LINE") % {"type": label}
    else:
        view.label = _("%(type)s, media kept in LINE") % {"type": label}
    if kind == Type.FILE and payload.get("fileName"):
        view.details.append(str(payload["fileName"]))
    if isinstance(payload.get("fileSize"), int):
        view.details.append(filesizeformat(payload["fileSize"]))


def sender_label(message: ConversationMessage) -> str:
    """What sent an outbound message, as the history marks it."""
    if not message.sent_by:
        return ""
    user = message.sent_by_user
    if message.sent_by == ConversationMessage.SentBy.MANUAL and user is not None:
        return _("Answered by %(name)s") % {"name": user.get_full_name() or user.email}
    return str(message.get_sent_by_display())


def message_view(message: ConversationMessage) -> MessageView:
    payload = message.payload if isinstance(message.payload, dict) else {}
    view = MessageView(message=message, sender=sender_label(message))
    kind = message.message_type
    if message.content_deleted:
        view.label = _("%(type)s, content deleted") % {
            "type": Type(kind).label if kind in Type.values else kind
        }
    elif kind == Type.TEXT:
        view.parts = text_parts(message.text, payload.get("emojis"))
    elif kind == Type.STICKER:
        view.label = _("Sticker %(package)s/%(sticker)s") % {
            "package": payload.get("packageId", "?"),
            "sticker": payload.get("stickerId", "?"),
        }
        view.sticker_url = sticker_image_url(payload.get("stickerId"))
        keywords = payload.get("keywords")
        if isinstance(keywords, list) and keywords:
            view.details.append(", ".join(str(word) for word in keywords[:5]))
    elif kind in MEDIA_TYPES:
        _media(view, kind, payload)
        if payload.get("duration") is not None:
            view.details.append(_duration(payload["duration"]))
        image_set = payload.get("imageSet")
        if isinstance(image_set, dict) and image_set.get("total"):
            view.details.append(
                _("image %(index)s of %(total)s")
                % {"index": image_set.get("index", "?"), "total": image_set["total"]}
            )
    elif kind == Type.LOCATION:
        view.label = str(payload.get("title") or _("Location"))
        if payload.get("address"):
            view.details.append(str(payload["address"]))
        latitude, longitude = payload.get("latitude"), payload.get("longitude")
        if isinstance(latitude, int | float) and isinstance(longitude, int | float):
            view.map_url = "https://www.openstreetmap.org/?" + urlencode(
                {"mlat": latitude, "mlon": longitude, "zoom": 16}
            )
    elif kind == Type.POSTBACK:
        view.label = postback_label(message.text)
        params = payload.get("params")
        if isinstance(params, dict):
            view.details.extend(_postback_param(key, value) for key, value in params.items())
    elif kind == Type.COUPON:
        view.label = str(Type.COUPON.label)
        if payload.get("couponId"):
            view.details.append(_("Coupon ID %(id)s") % {"id": payload["couponId"]})
    else:
        view.label = Type(kind).label if kind in Type.values else kind
    return view


def postback_label(data: str) -> str:
    """A friend's tap on a postback button (a rich menu area, a quick reply, a template's or
    Flex message's button): LINE's webhook carries only the button's ``data`` (and a picker's
    ``params``), never its label or ``displayText``, so the data is shown after a label."""
    return _("Tapped a button: %(data)s") % {"data": data}


def _postback_param(key: str, value: object) -> str:
    """One of a postback's ``params``: a date, time or datetime picker's choice, or the rich
    menu tab a ``richmenuswitch`` action switched to (LINE's webhook PostbackContent)."""
    label = _POSTBACK_PARAMS.get(key)
    return f"{label}: {value}" if label else f"{key}: {value}"


_POSTBACK_PARAMS = {
    "date": gettext_lazy("Date chosen"),
    "time": gettext_lazy("Time chosen"),
    "datetime": gettext_lazy("Date and time chosen"),
    "newRichMenuAliasId": gettext_lazy("Rich menu tab"),
    "status": gettext_lazy("Rich menu switch"),
}
# The conversation list's last message when it has no text of its own, by who sent it.
_FRIEND_SENT = {
    Type.STICKER: gettext_lazy("Sent a sticker"),
    Type.IMAGE: gettext_lazy("Sent an image"),
    Type.VIDEO: gettext_lazy("Sent a video"),
    Type.AUDIO: gettext_lazy("Sent an audio message"),
    Type.FILE: gettext_lazy("Sent a file"),
    Type.LOCATION: gettext_lazy("Sent a location"),
}
_OA_SENT = {
    Type.STICKER: gettext_lazy("You sent a sticker"),
    Type.IMAGE: gettext_lazy("You sent an image"),
    Type.VIDEO: gettext_lazy("You sent a video"),
    Type.AUDIO: gettext_lazy("You sent an audio message"),
    Type.FILE: gettext_lazy("You sent a file"),
    Type.LOCATION: gettext_lazy("You sent a location"),
    Type.FLEX: gettext_lazy("You sent a Flex message"),
    Type.TEMPLATE: gettext_lazy("You sent a template message"),
    Type.IMAGEMAP: gettext_lazy("You sent an imagemap message"),
    Type.COUPON: gettext_lazy("You sent a coupon"),
}


def preview_label(message_type: str, preview: str, direction: str) -> str:
    """The list's last-message column, as LINE's own chat list reads: the text (the OA's
    prefixed "You:"), what a friend tapped, or what kind of message someone sent. The OA's
    Flex, template and imagemap messages show their alternative text when they have one."""
    outbound = direction == ConversationMessage.Direction.OUT
    if message_type == Type.POSTBACK:
        return postback_label(preview)
    if message_type == Type.TEXT or (outbound and preview and message_type in _OA_SENT):
        if not preview:
            return ""
        return _("You: %(text)s") % {"text": preview} if outbound else preview
    label = (_OA_SENT if outbound else _FRIEND_SENT).get(message_type)
    if label:
        return str(label)
    return str(Type(message_type).label) if message_type in Type.values else ""
