"""A friend's stored image, video, audio or file, to members who may open the OA's chats.

The only way chat media leaves the console: there is no public URL. The OA comes from the
URL through the member's memberships (``TenantMiddleware``), the content is looked up within
it, and anything else is a 404. Images, videos and audio whose type LINE gave as such are
shown inline; anything else (files, an unexpected type) is a download, never rendered by the
browser as a page of the console's origin.

HTTP Range requests are answered (``206`` with ``Content-Range``, ``416`` outside the content)
so a browser can seek in a video or audio. Content is stored encrypted as one blob, so a range
is cut from the decrypted bytes: fine for LINE's sizes under the 25 MB cap.
"""

from __future__ import annotations

from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from inbox.selectors.media import message_content_stored
from inbox.services.media import message_content_read
from oa_console.byte_ranges import UnsatisfiableRange, byte_range
from oa_console.permissions import agent_page, require
from oa_console.roles import Capability

INLINE_TYPES = ("image", "video", "audio")


@agent_page
@require_GET
def message_media(
    request: HttpRequest,
    workspace_slug: str,
    account_slug: str,
    message_id: int,
) -> HttpResponse:
    require(request, Capability.USE_INBOX)
    content = message_content_stored(account=request.account, message_id=message_id)
    if content is None:
        raise Http404
    kind = content.message.message_type
    content_type = content.content_type.split(";")[0].strip().lower()
    inline = kind in INLINE_TYPES and content_type.startswith(f"{kind}/")
    body = message_content_read(content=content)
    response = _ranged(request, body, content_type if inline else "application/octet-stream")
    if inline:
        response["Content-Disposition"] = "inline"
    else:
        name = str((content.message.payload or {}).get("fileName") or f"line-{message_id}")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    # A friend's media: the browser may keep it for the member's session, shared caches never.
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _ranged(request: HttpRequest, body: bytes, content_type: str) -> HttpResponse:
    """The whole body (200), the range asked for (206) or 416 when it lies outside the body.
    A conditional range (``If-Range``) gets the whole body: this response has no validator to
    compare it with, and a stale slice would corrupt the browser's copy."""
    header = None if "HTTP_IF_RANGE" in request.META else request.META.get("HTTP_RANGE")
    try:
        wanted = byte_range(header, len(body))
    except UnsatisfiableRange:
        response = HttpResponse(status=416, content_type=content_type)
        response["Content-Range"] = f"bytes */{len(body)}"
    else:
        if wanted is None:
            response = HttpResponse(body, content_type=content_type)
        else:
            response = HttpResponse(
                body[wanted.start : wanted.end + 1], status=206, content_type=content_type
            )
            response["Content-Range"] = wanted.content_range
    response["Accept-Ranges"] = "bytes"
    return response
