"""Saved replies of an OA: written once, answered with by any agent, filled in per friend.

A saved reply's text may name ``{displayName}`` (the friend's LINE name) and ``{<key>}`` of the
OA's friend attributes (``segments``' attribute definitions). An unknown name is refused when
the reply is saved, so an agent never sends a friend a raw ``{placeholder}``; a friend without
a value for an attribute gets an empty string in its place.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats
from django.utils.translation import gettext as _

from inbox.models import SavedReply
from oa_console.line.messages import DISPLAY_NAME
from oa_console.models import LineAccount
from segments.models import Friend
from segments.selectors.attributes import attribute_definition_list
from segments.selectors.friends import friend_attributes

VARIABLE = re.compile(r"\{([A-Za-z0-9_-]+)\}")
DISPLAY_NAME_KEY = DISPLAY_NAME.strip("{}")
MAX_TEXT = 5000


def saved_reply_variables(*, account: LineAccount) -> list[str]:
    """The names a saved reply may use, ``displayName`` first."""
    return [DISPLAY_NAME_KEY, *(d.key for d in attribute_definition_list(account=account))]


def _check(*, account: LineAccount, name: str, text: str) -> None:
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Give the saved reply a name.")]
    if not text.strip():
        errors["text"] = [_("Write the text to send.")]
    elif len(text) > MAX_TEXT:
        errors["text"] = [_("LINE accepts at most %(max)s characters.") % {"max": MAX_TEXT}]
    else:
        known = set(saved_reply_variables(account=account))
        unknown = sorted({match for match in VARIABLE.findall(text) if match not in known})
        if unknown:
            errors["text"] = [
                _("Unknown variables: %(names)s. Use %(known)s.")
                % {
                    "names": ", ".join(f"{{{n}}}" for n in unknown),
                    "known": ", ".join(f"{{{n}}}" for n in sorted(known)),
                }
            ]
    if errors:
        raise ValidationError(errors)


def _save(reply: SavedReply) -> SavedReply:
    try:
        with transaction.atomic():
            reply.save()
    except IntegrityError:
        raise ValidationError(
            {"name": [_("Another saved reply of this OA has this name.")]}
        ) from None
    return reply


def saved_reply_create(*, account: LineAccount, name: str, text: str) -> SavedReply:
    _check(account=account, name=name, text=text)
    return _save(SavedReply(account=account, name=name.strip(), text=text))


def saved_reply_update(*, reply: SavedReply, name: str, text: str) -> SavedReply:
    _check(account=reply.account, name=name, text=text)
    reply.name, reply.text = name.strip(), text
    return _save(reply)


def saved_reply_delete(*, reply: SavedReply) -> None:
    reply.delete()


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):  # stored with six places: 3.500000 reads 3.5
        return format(value.normalize(), "f")
    return str(value)


def saved_reply_render(*, text: str, friend: Friend) -> str:
    """``text`` with its variables filled in for ``friend``: an attribute the friend has no
    value for becomes empty."""
    account = friend.account
    values = {definition.key: "" for definition in attribute_definition_list(account=account)}
    values.update(
        (definition.key, _shown(value)) for definition, value in friend_attributes(friend=friend)
    )
    values[DISPLAY_NAME_KEY] = friend.display_name or _("there")

    def fill(match: re.Match) -> str:
        # A name that is no variable (typed in a free text) is left as written.
        return values.get(match.group(1), match.group(0))

    return VARIABLE.sub(fill, text)
