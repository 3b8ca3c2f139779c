"""A rule's LINE messages in words a member reads (the rule list and the tester)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from oa_console.line.messages import DISPLAY_NAME


@dataclass(frozen=True)
class MessagePreview:
    kind: str
    text: str = ""  # a text message's text, {displayName} shown as a placeholder
    label: str = ""  # what a non-text message is
    link: str = ""  # an image's address


def message_preview(message: dict) -> MessagePreview:
    kind = str(message.get("type", ""))
    if kind == "text":
        return MessagePreview(
            kind, text=str(message.get("text", "")).replace(DISPLAY_NAME, _("[friend's name]"))
        )
    if kind == "sticker":
        return MessagePreview(
            kind,
            label=_("Sticker %(package)s/%(sticker)s")
            % {"package": message.get("packageId", ""), "sticker": message.get("stickerId", "")},
        )
    if kind == "image":
        return MessagePreview(
            kind, label=_("Image"), link=str(message.get("originalContentUrl", ""))
        )
    if kind == "flex":
        return MessagePreview(
            kind, label=_("Flex message: %(alt)s") % {"alt": message.get("altText", "")}
        )
    return MessagePreview(kind, label=_("LINE message (%(type)s)") % {"type": kind})


def messages_preview(messages: list) -> list[MessagePreview]:
    return [message_preview(m) for m in messages if isinstance(m, dict)]
