"""LINE emoji in a text message: ``$`` placeholders in ``text`` and the ``emojis`` array.

LINE's TextMessage takes ``emojis: [{index, productId, emojiId}]``; each ``index`` must be the
position of a ``$`` in ``text``, which LINE replaces by that emoji (anything else is a 400).
Positions are counted in UTF-16 code units: the unit LINE's webhooks use for the ``index`` and
``length`` of the emoji a friend sends (``inbox.views.display.text_parts``), and the one LINE's
SDK maintainers accepted for a helper that finds the ``$`` of a text to send. The two differ
only for characters outside the Basic Multilingual Plane (😀, some CJK), each two units.

Below the apps: the inbox's composer builds such messages, and ``messages_errors`` checks every
sender's (broadcasts, journeys, auto-replies, the API) before anything reaches LINE.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from django.utils.translation import gettext as _

PLACEHOLDER = "$"
EMOJI_REF = re.compile(r"^\s*([A-Za-z0-9]+)\s*/\s*([A-Za-z0-9]+)\s*$")


class EmojiError(ValueError):
    """The LINE emoji given do not fit the text; the message says why, for the form field."""


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def placeholder_indexes(text: str) -> list[int]:
    """The UTF-16 positions of every ``$`` of ``text``."""
    units, positions = 0, []
    for char in text:
        if char == PLACEHOLDER:
            positions.append(units)
        units += 2 if ord(char) > 0xFFFF else 1
    return positions


def emoji_refs(raw: str) -> list[tuple[str, str]]:
    """ "productId/emojiId" entries separated by commas or lines, as (productId, emojiId)."""
    refs = []
    for part in re.split(r"[,\n]", raw or ""):
        if not part.strip():
            continue
        match = EMOJI_REF.match(part)
        if not match:
            raise EmojiError(
                _("“%(ref)s” is not a LINE emoji: write productId/emojiId.") % {"ref": part.strip()}
            )
        refs.append((match[1], match[2]))
    return refs


def text_message_with_emojis(
    template: str, refs: list[tuple[str, str]], render: Callable[[str], str] = str
) -> dict:
    """A text message from ``template`` whose ``$`` are the places of ``refs``, in order.

    ``render`` fills in the template's variables ({displayName}...). It runs on the pieces
    between the placeholders, so a ``$`` that a friend's name brings in stays plain text, and
    the indexes are counted in the text as sent, after the names are filled in."""
    if not refs:
        return {"type": "text", "text": render(template)}
    pieces = template.split(PLACEHOLDER)
    if len(pieces) - 1 != len(refs):
        raise EmojiError(
            _(
                "The text has %(dollars)s $ placeholders and %(emojis)s emoji were given: with "
                "LINE emoji, each $ in the text is replaced by the next emoji."
            )
            % {"dollars": len(pieces) - 1, "emojis": len(refs)}
        )
    rendered = [render(piece) for piece in pieces]
    emojis, units = [], 0
    for piece, (product, emoji) in zip(rendered, refs, strict=False):
        units += utf16_length(piece)
        emojis.append({"index": units, "productId": product, "emojiId": emoji})
        units += 1  # the placeholder itself
    return {"type": "text", "text": PLACEHOLDER.join(rendered), "emojis": emojis}


def emoji_index_errors(message: dict) -> Iterator[tuple[str, str]]:
    """(path, problem) for each ``emojis`` entry of a text message whose ``index`` is not the
    position of a ``$`` in its text (LINE answers 400 for it)."""
    emojis, text = message.get("emojis"), message.get("text")
    if message.get("type") != "text" or not isinstance(emojis, list) or not isinstance(text, str):
        return
    places = set(placeholder_indexes(text))
    for number, emoji in enumerate(emojis):
        index = emoji.get("index") if isinstance(emoji, dict) else None
        if isinstance(index, int) and not isinstance(index, bool) and index not in places:
            yield (
                f"emojis/{number}/index",
                _("%(index)s is not the position of a $ in the text (counted in UTF-16 units).")
                % {"index": index},
            )


def text_transformed(message: dict, transform: Callable[[str], str]) -> dict:
    """A text message with ``transform`` applied to its text (a friend's name filled in),
    its LINE emoji kept on their ``$``: the pieces between the placeholders are transformed
    one by one and the indexes counted again. A message whose indexes are not on a ``$``
    (which ``messages_errors`` refuses) is transformed as plain text."""
    emojis = message.get("emojis")
    if not emojis or not isinstance(emojis, list) or any(emoji_index_errors(message)):
        return {**message, "text": transform(message["text"])}
    if not all(isinstance(e, dict) and isinstance(e.get("index"), int) for e in emojis):
        return {**message, "text": transform(message["text"])}
    units = message["text"].encode("utf-16-le")
    order = sorted(range(len(emojis)), key=lambda n: emojis[n]["index"])
    pieces, start = [], 0
    for n in order:
        index = emojis[n]["index"]
        pieces.append(units[start * 2 : index * 2].decode("utf-16-le"))
        start = index + 1
    pieces.append(units[start * 2 :].decode("utf-16-le"))
    rendered = [transform(piece) for piece in pieces]
    moved, position = list(emojis), 0
    for piece, n in zip(rendered, order, strict=False):
        position += utf16_length(piece)
        moved[n] = {**emojis[n], "index": position}
        position += 1
    return {**message, "text": PLACEHOLDER.join(rendered), "emojis": moved}
