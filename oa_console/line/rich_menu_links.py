"""Per-user rich menus at LINE: link a menu to one friend or to up to 500 at once, and unlink.

Each function makes one call through the OA's client (the embedded demo's simulated LINE when
it runs) and answers an ``Outcome`` (``oa_console.line.outcomes``); none raises for LINE's
errors. The bulk calls are asynchronous at LINE: ``202`` means accepted, and LINE then skips the
ids that are not (or no longer) friends without saying so.

Rate limits (LINE's Messaging API reference, "Rate limits" and each endpoint's "Rate limit"
section, https://developers.line.biz/en/reference/messaging-api/#rate-limits and
#bulk-link-rich-menu-rate-limit, checked 2026-12): link / unlink one user and bulk link / bulk
unlink are each "2,000 requests per second" per channel; the only rich-menu endpoint LINE
limits much lower is "Replace or unlink the linked rich menus in batches"
(``/v2/bot/richmenu/batch``, 3 requests per hour), which the console does not use. LINE meters
each endpoint on its own, so each gets its own limiter class (``DEFAULT_RATE_LIMITS``) rather than
sharing ``default`` with pushes and profiles.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from oa_console.line import clients
from oa_console.line.limiter import RateDecision, rate_limit_acquire
from oa_console.line.outcomes import Outcome, line_call
from oa_console.models import LineAccount

# LINE's maximum of user ids in one bulk link or unlink call (messaging-api.yml, maxItems).
BULK_MAX_USERS = 500

# Limiter classes; their limits are in ``oa_console.line.limiter.DEFAULT_RATE_LIMITS``.
LINK_ONE = "rich_menu_link"
UNLINK_ONE = "rich_menu_unlink"
BULK_LINK = "rich_menu_bulk_link"
BULK_UNLINK = "rich_menu_bulk_unlink"


def rich_menu_rate_acquire(account: LineAccount, endpoint: str, count: int = 1) -> RateDecision:
    """Take ``count`` calls of one of this module's endpoints from the OA's channel limiter."""
    return rate_limit_acquire(account, endpoint, count)


def _call(account: LineAccount, method: str, *args, api=None) -> Outcome:
    """One call through ``api`` (a ``MessagingApi`` a caller making many calls opened once with
    ``clients.messaging_api``, so its connections are reused) or through a client of its own."""
    if api is not None:
        send = getattr(api, method)
        return line_call(partial(send, *args, _request_timeout=clients.REQUEST_TIMEOUT))
    with clients.messaging_api(account, host=clients.simulated_host()) as own_api:
        return _call(account, method, *args, api=own_api)


def rich_menu_link_user(
    *, account: LineAccount, line_user_id: str, rich_menu_id: str, api=None
) -> Outcome:
    """Show ``rich_menu_id`` to one friend at once (LINE answers 200 even for a user who is not
    a friend, and links nothing)."""
    return _call(
        account, "link_rich_menu_id_to_user_with_http_info", line_user_id, rich_menu_id, api=api
    )


def rich_menu_unlink_user(*, account: LineAccount, line_user_id: str, api=None) -> Outcome:
    """Remove the friend's per-user menu: they see the OA's default menu again."""
    return _call(account, "unlink_rich_menu_id_from_user_with_http_info", line_user_id, api=api)


def _check_bulk(user_ids: Sequence[str]) -> None:
    if not user_ids or len(user_ids) > BULK_MAX_USERS:
        raise ValueError(f"a bulk call names 1 to {BULK_MAX_USERS} user ids, not {len(user_ids)}")


def _bulk_post(account: LineAccount, path: str, body: dict, api=None) -> Outcome:
    """POST a bulk link or unlink body through the SDK's own ``ApiClient.call_api`` (the
    client's host, token, headers, timeouts and ``ApiException``), as the generated
    ``link_rich_menu_id_to_users`` does, minus its pydantic round trip: validating 500 user ids
    into the request model and serializing them back took 2.6 of the 3 ms a call costs the
    worker, and a segment's first assignment makes 600 such calls (bench/richmenus.py). The body
    is the spec's ``RichMenuBulkLinkRequest`` / ``RichMenuBulkUnlinkRequest``, which the tests'
    fake LINE server validates against messaging-api.yml."""
    if api is None:
        with clients.messaging_api(account, host=clients.simulated_host()) as own_api:
            return _bulk_post(account, path, body, api=own_api)
    send = partial(
        api.api_client.call_api,
        path,
        "POST",
        header_params={"Content-Type": "application/json"},
        body=body,
        response_types_map={},
        auth_settings=["Bearer"],
        _host=api.line_base_path,
        _request_timeout=clients.REQUEST_TIMEOUT,
    )
    return line_call(send)


def rich_menu_bulk_link(
    *, account: LineAccount, line_user_ids: Sequence[str], rich_menu_id: str, api=None
) -> Outcome:
    """Link ``rich_menu_id`` to up to 500 friends (202: accepted, applied by LINE shortly)."""
    _check_bulk(line_user_ids)
    body = {"richMenuId": rich_menu_id, "userIds": list(line_user_ids)}
    return _bulk_post(account, "/v2/bot/richmenu/bulk/link", body, api=api)


def rich_menu_bulk_unlink(
    *, account: LineAccount, line_user_ids: Sequence[str], api=None
) -> Outcome:
    """Unlink the per-user menus of up to 500 friends (202: accepted)."""
    _check_bulk(line_user_ids)
    body = {"userIds": list(line_user_ids)}
    return _bulk_post(account, "/v2/bot/richmenu/bulk/unlink", body, api=api)
