"""A friend's message content (image, video, audio, file) from LINE's data host.

``GET /v2/bot/message/{messageId}/content`` through the OA's blob client. The SDK's own
``get_message_content`` reads the whole body into memory before returning (even with
``_preload_content=False`` its response object reads it), so a video of hundreds of megabytes
would be in a worker's memory before any cap could refuse it. This call uses the SDK's client
(its host, token, timeouts and error classes) but streams the body and stops at ``max_bytes``.
LINE keeps content only for a while: a 404 or 410 afterwards is ``outcome.not_found`` or
``gone``, see ``Content``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from oa_console.line import clients
from oa_console.line.outcomes import Outcome, line_call

CHUNK = 64 * 1024


@dataclass(frozen=True)
class Body:
    """What came back: the bytes (empty when refused), LINE's content type, and whether the
    body was larger than allowed (then nothing is kept)."""

    data: bytes
    content_type: str
    too_large: bool = False


@dataclass(frozen=True)
class Content:
    outcome: Outcome

    @property
    def body(self) -> Body | None:
        return self.outcome.data if isinstance(self.outcome.data, Body) else None

    @property
    def gone(self) -> bool:
        """LINE no longer has it (404, or 410 as LINE documents for expired content)."""
        return self.outcome.kind == "rejected" and self.outcome.status in (404, 410)


def _read_capped(response, max_bytes: int) -> tuple[bytes, bool]:
    """The body, or (b"", True) as soon as it is known to exceed ``max_bytes``."""
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        return b"", True
    chunks, total = [], 0
    for chunk in response.stream(CHUNK):
        total += len(chunk)
        if total > max_bytes:
            return b"", True
        chunks.append(chunk)
    return b"".join(chunks), False


def message_content(*, account, message_id: str, max_bytes: int) -> Content:
    """Fetch one message's content, at most ``max_bytes`` of it; never raises for LINE's or
    the network's errors (``line_call`` classifies them)."""
    from linebot.v3.messaging.api_response import ApiResponse

    def fetch() -> ApiResponse:
        with clients.messaging_blob_api(account, host=clients.simulated_host()) as api:
            client = api.api_client
            url = f"{client.configuration.host}/v2/bot/message/{quote(message_id, safe='')}/content"
            response = client.rest_client.request(
                "GET",
                url,
                headers={
                    "Authorization": f"Bearer {client.configuration.access_token}",
                    "User-Agent": client.user_agent,
                },
                _preload_content=False,
                _request_timeout=clients.REQUEST_TIMEOUT,
            )
            try:
                data, too_large = _read_capped(response, max_bytes)
            except BaseException:
                response.close()
                raise
            if too_large:
                response.close()  # bytes still on the wire: not back into the pool
            else:
                response.release_conn()
            return ApiResponse(
                status_code=response.status,
                headers=dict(response.headers),
                data=Body(
                    data=data,
                    content_type=str(response.headers.get("Content-Type") or ""),
                    too_large=too_large,
                ),
                raw_data=b"",
            )

    return Content(line_call(fetch))
