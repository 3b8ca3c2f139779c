"""A message as the conversation page shows it: what LINE sent, in words a member reads.

Media content stays in LINE until content fetching exists: images, videos, audio and files
are labelled with their type and what LINE told about them (duration, name, size).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from inbox.models import ConversationMessage

Type = ConversationMessage.Type
MEDIA_TYPES = {Type.IMAGE, Type.VIDEO, Type.AUDIO, Type.FILE}


@dataclass(frozen=True)
class TextPart:
    """A run of a text message: plain, or a LINE emoji shown as its placeholder text."""

    text: str
    emoji: str = ""  # "<productId>/<emojiId>" for a LINE emoji


@dataclass
class MessageView:
    message: ConversationMessage
    parts: list[TextPart] = field(default_factory=list)
    label: str = ""
    details: list[str] = field(default_factory=list)
    map_url: str = ""
    sender: str = ""  # what sent an outbound message: the member's name for a manual answer


def text_parts(text: str, emojis: object) -> list[TextPart]:
    """Split ``text`` at its LINE emojis (``index``/``length`` in UTF-16 code units, as LINE
    counts them) so each is shown as an emoji placeholder; a malformed entry is ignored."""
    units = text.encode("utf-16-le")
    spans = []
    for emoji in emojis if isinstance(emojis, list) else []:
        try:
            start, length = int(emoji["index"]), int(emoji["length"])
        except (KeyError, TypeError, ValueError):
            continue
        if start >= 0 and length > 0 and (start + length) * 2 <= len(units):
            spans.append(
                (start, length, f"{emoji.get('productId', '')}/{emoji.get('emojiId', '')}")
            )
    parts, position = [], 0
    for start, length, ids in sorted(spans):
        if start < position:
            continue  # overlapping entries: the first wins
        if start > position:
            parts.append(TextPart(units[position * 2 : start * 2].decode("utf-16-le", "replace")))
        chunk = units[start * 2 : (start + length) * 2].decode("utf-16-le", "replace")
        parts.append(TextPart(chunk, emoji=ids))
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
    if kind == Type.TEXT:
        view.parts = text_parts(message.text, payload.get("emojis"))
    elif kind == Type.STICKER:
        view.label = _("Sticker %(package)s/%(sticker)s") % {
            "package": payload.get("packageId", "?"),
            "sticker": payload.get("stickerId", "?"),
        }
        keywords = payload.get("keywords")
        if isinstance(keywords, list) and keywords:
            view.details.append(", ".join(str(word) for word in keywords[:5]))
    elif kind in MEDIA_TYPES:
        view.label = _("%(type)s, media kept in LINE") % {"type": Type(kind).label}
        if kind == Type.FILE and payload.get("fileName"):
            view.details.append(str(payload["fileName"]))
        if isinstance(payload.get("fileSize"), int):
            view.details.append(filesizeformat(payload["fileSize"]))
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
        view.label = _("Postback: %(data)s") % {"data": message.text}
        params = payload.get("params")
        if isinstance(params, dict):
            view.details.extend(f"{key}: {value}" for key, value in params.items())
    else:
        view.label = Type(kind).label if kind in Type.values else kind
    return view


def preview_label(message_type: str, preview: str) -> str:
    """The list's last-message column: the text, or what kind of message it was."""
    if message_type == Type.TEXT:
        return preview
    if message_type == Type.POSTBACK:
        return _("Postback: %(data)s") % {"data": preview}
    return f"[{Type(message_type).label}]" if message_type in Type.values else ""
