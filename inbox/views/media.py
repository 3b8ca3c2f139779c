"""A friend's stored image, video, audio or file, to members who may open the OA's chats.

The only way chat media leaves the console: there is no public URL. The OA comes from the
URL through the member's memberships (``TenantMiddleware``), the content is looked up within
it, and anything else is a 404. Images, videos and audio whose type LINE gave as such are
shown inline; anything else (files, an unexpected type) is a download, never rendered by the
browser as a page of the console's origin.
"""

from __future__ import annotations

from urllib.parse import quote

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from inbox.selectors.media import message_content_stored
from inbox.services.media import message_content_read
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
    response = HttpResponse(
        message_content_read(content=content),
        content_type=content_type if inline else "application/octet-stream",
    )
    if inline:
        response["Content-Disposition"] = "inline"
    else:
        name = str((content.message.payload or {}).get("fileName") or f"line-{message_id}")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    # A friend's media: the browser may keep it for the member's session, shared caches never.
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
