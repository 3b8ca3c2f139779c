"""Verifying a LIFF page's ID token with LINE Login (``POST /oauth2/v2.1/verify``).

line-bot-sdk covers the Messaging API, Insight and audiences, not LINE Login's OAuth
endpoints, so this call is made here with urllib3 (the SDK's own HTTP library), with the same
timeouts as every other LINE call, through the same host redirection (``LINE_API_HOST``: the
fake LINE server in tests; the simulated LINE in the embedded demo) and classified by the same
``outcomes`` so callers read one kind of answer.

LINE answers 200 with the token's claims (``sub`` is the user id, ``aud`` the LINE Login
channel id) or 400 ``{"error": "invalid_request", "error_description": "IdToken expired."}``
("Invalid IdToken.", "Invalid IdToken Audience." for another channel's token, ...).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _

from oa_console.line import clients
from oa_console.line.outcomes import ACCEPTED, REJECTED, Outcome, classify_status, header

LINE_LOGIN_HOST = "https://api.line.me"
VERIFY_PATH = "/oauth2/v2.1/verify"
MAX_TOKEN = 4096  # an ID token is a few hundred bytes; anything much longer is not one


@dataclass(frozen=True)
class VerifiedToken:
    user_id: str
    channel_id: str
    name: str = ""


def _host() -> str:
    simulated = clients.simulated_host()
    if simulated:
        return simulated
    return settings.LINE_API_HOST.rstrip("/") if settings.LINE_API_HOST else LINE_LOGIN_HOST


def _pool():
    import urllib3

    return urllib3.PoolManager(
        timeout=urllib3.Timeout(
            connect=clients.REQUEST_TIMEOUT[0], read=clients.REQUEST_TIMEOUT[1]
        ),
        retries=False,
    )


def _login_message(body: bytes) -> str:
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return body.decode(errors="replace")[:300]
    if isinstance(data, dict):
        return str(data.get("error_description") or data.get("message") or data.get("error", ""))
    return ""


def id_token_verify(*, id_token: str, channel_id: str) -> tuple[Outcome, VerifiedToken | None]:
    """Ask LINE whether ``id_token`` is valid for the LINE Login channel ``channel_id``.

    Answers the call's ``Outcome`` (``rejected`` with LINE's reason for a forged, expired or
    other channel's token; ``transient`` when LINE did not answer) and, when accepted, the
    verified user. A token whose ``aud`` is not ``channel_id`` is refused even if LINE said
    200, so a misbehaving answer never identifies a user of another channel."""
    from urllib3.exceptions import HTTPError

    if not id_token or len(id_token) > MAX_TOKEN:
        return Outcome(REJECTED, status=400, message="Invalid IdToken."), None
    try:
        response = _pool().request(
            "POST",
            _host() + VERIFY_PATH,
            fields={"id_token": id_token, "client_id": channel_id},
            encode_multipart=False,
        )
    except (HTTPError, OSError) as exc:
        outcome = classify_status(0, reason=type(exc).__name__)
        message = _("No answer from LINE (%(error)s).") % {"error": exc}
        return replace(outcome, message=message, error=f"{type(exc).__name__}: {exc}"), None
    request_id = header(response.headers, "x-line-request-id")
    if response.status != 200:
        outcome = classify_status(response.status, response.headers, b"", response.reason or "")
        body = response.data.decode(errors="replace")
        return replace(outcome, message=_login_message(response.data), body=body), None
    try:
        claims = json.loads(response.data)
    except ValueError:
        return Outcome(REJECTED, status=200, message="Invalid IdToken."), None
    user_id, audience = str(claims.get("sub") or ""), str(claims.get("aud") or "")
    if not user_id or audience != str(channel_id):
        return Outcome(REJECTED, status=200, message="Invalid IdToken Audience."), None
    return (
        Outcome(ACCEPTED, request_id=request_id, status=200, data=claims),
        VerifiedToken(user_id=user_id, channel_id=audience, name=str(claims.get("name") or "")),
    )


# The embedded demo's simulated LINE (broadcasts/simulated_line.py) answers verify for tokens
# minted here, signed with the console's key, so a demo form can be answered in a browser
# (no LINE app, no internet) and nothing else passes.
SIMULATED_SALT = "oa_console.line.id_tokens.simulated"


def simulated_id_token(*, user_id: str, channel_id: str) -> str:
    return signing.dumps({"sub": user_id, "aud": channel_id}, salt=SIMULATED_SALT)


def simulated_verify(*, id_token: str, client_id: str) -> tuple[int, dict]:
    """LINE's answer to a verify call, for the simulated LINE: (status, body)."""
    if not id_token or not client_id:
        return 400, {"error": "invalid_request", "error_description": "Required parameters."}
    try:
        claims = signing.loads(id_token, salt=SIMULATED_SALT)
    except signing.BadSignature:
        return 400, {"error": "invalid_request", "error_description": "Invalid IdToken."}
    if claims.get("aud") != client_id:
        return 400, {"error": "invalid_request", "error_description": "Invalid IdToken Audience."}
    return 200, {"iss": "https://access.line.me", "sub": claims["sub"], "aud": client_id}
