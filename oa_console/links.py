"""The one check of a web link the console accepts, sends to LINE, tracks or redirects to.

Parsed, never prefix-matched: ``startswith("http")`` let ``httpjavascript:alert(1)`` through as
a link, which then became a tracked link that no click could follow. A link is accepted when

- its scheme is exactly ``http`` or ``https`` (written in lower case, as the console tracks and
  redirects to it). LINE's uri actions also take ``line://`` and ``tel:``, but the console
  offers web links only: those are the ones it can preview, track and count;
- it names a host (``https:///path`` and ``https:?x`` do not), without a user name or password
  (``https://shop.example@evil.example`` shows one site and opens another), with a valid port;
- it holds no whitespace or control character (LINE refuses them; in a redirect they split
  headers);
- it fits LINE's limit: 1,000 characters for a uri action or an imagemap link (LINE's
  Messaging API reference), 2,000 for an image URL.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEB_SCHEMES = ("http", "https")
# LINE's limits: a uri action's ``uri`` and an imagemap's ``linkUri`` (1,000 characters), an
# image message's ``originalContentUrl`` and ``previewImageUrl`` (2,000).
MAX_LINK_LENGTH = 1000
MAX_IMAGE_URL_LENGTH = 2000
# A host name's characters (letters of any script for internationalised names), or an IP.
HOST = re.compile(r"^[\w.-]+$")
# Something that is written like a scheme ("javascript:", "tel:"), so no https:// is assumed.
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _has_space_or_control(url: str) -> bool:
    return any(
        char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in url
    )


def link_error(
    url: object, *, max_length: int = MAX_LINK_LENGTH, https_only: bool = False
) -> str | None:
    """Why ``url`` is not a web link the console accepts (a translated sentence), or None."""
    if not isinstance(url, str) or not url:
        return _("Enter a link starting with https:// or http://.")
    if len(url) > max_length:
        return _("A link can be at most %(max)s characters long (this one has %(count)s).") % {
            "max": max_length,
            "count": len(url),
        }
    if _has_space_or_control(url):
        return _("A link cannot contain spaces or control characters.")
    schemes = ("https",) if https_only else WEB_SCHEMES
    scheme = url.split(":", 1)[0] if ":" in url else ""
    if scheme not in schemes:
        if https_only:
            return _("The link must start with https://.")
        return _("The link must start with https:// or http://.")
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:  # an unclosed [IPv6] bracket, a port that is not a number
        return _("This is not a valid link.")
    if not url.startswith(f"{scheme}://") or not parts.hostname or not port_ok:
        return _("The link must name a website after %(scheme)s://.") % {"scheme": scheme}
    if parts.username is not None or parts.password is not None:
        return _("A link cannot contain a user name or password before the website.")
    if "[" not in parts.netloc and not HOST.match(parts.hostname):
        return _("The link must name a website after %(scheme)s://.") % {"scheme": scheme}
    return None


def is_web_link(url: object, *, max_length: int = MAX_LINK_LENGTH) -> bool:
    """True for a link the console may track and redirect to (see ``link_error``)."""
    return link_error(url, max_length=max_length) is None


class WebLinkField(forms.CharField):
    """A form field for a web link, checked by ``link_error`` (the message says what is wrong).

    Like Django's URLField it adds ``https://`` to a link typed without a scheme
    (``shop.example/sale``), but it never rewrites one: URLField silently drops tabs and line
    breaks inside a link, and accepts ``ftp://``.
    """

    widget = forms.URLInput

    def __init__(
        self, *, https_only: bool = False, link_max_length: int = MAX_LINK_LENGTH, **kwargs
    ):
        self.https_only = https_only
        self.link_max_length = link_max_length
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value and "://" not in value and not SCHEME.match(value):
            value = f"https://{value}"
        return value

    def validate(self, value) -> None:
        super().validate(value)
        if value:
            problem = link_error(value, max_length=self.link_max_length, https_only=self.https_only)
            if problem:
                raise ValidationError(problem, code="invalid")
