"""The send node: writes the friend's personalised messages as a pending ``JourneySend`` and
lets the friend go on at once; the send itself happens after commit (``sending``), with its
retry key already stored, so it happens exactly once.

Governance first (a test run bypasses the cap and quiet hours, not LINE): over the OA's
frequency cap the send is held (``capped``); in quiet hours it is deferred until they end
(``defer``: the node runs again then) or dropped (``drop``). A friend who blocks the OA or
whose data was erased is not sent to, nor a coupon closed or ended since the journey was
published (the publish check saw it open; friends would get a dead coupon).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from django.utils.translation import gettext as _

from coupons.selectors import coupon_refusals_by_id
from journeys.engine import governance, kicks
from journeys.engine.batch_writes import send_add
from journeys.engine.links import FRIEND
from journeys.engine.nodes.base import StepContext, StepResult, journal
from journeys.engine.personalise import messages_for
from journeys.graph.variables import DISPLAY_NAME, variables_in
from journeys.models import EnrolmentStep, JourneySend
from segments.models import Friend


def group_key(ctx: StepContext, messages: list[dict]) -> str:
    """Same journey and node, same minute, same messages: one multicast."""
    return send_group_key(
        journey_id=ctx.journey.pk, node_id=ctx.node_id, now=ctx.now, messages=messages
    )


def send_group_key(*, journey_id: int, node_id: str, now: datetime, messages: list[dict]) -> str:
    """The group key of a send, also written by the item events' bulk path: rows of one key
    share a multicast."""
    minute = now.strftime("%Y-%m-%dT%H:%M")
    body = json.dumps(messages, sort_keys=True, ensure_ascii=False)
    raw = f"{journey_id}:{node_id}:{minute}:{body}"
    return hashlib.sha256(raw.encode()).hexdigest()


def is_personal(node: dict) -> bool:
    """Whether the node's messages are the friend's own: they name the friend
    (``{displayName}``) or track clicks per friend (every link's token names the friend). No
    other friend's row can join such a row's multicast group (two friends of the same display
    name at the same minute aside: they then get a push each rather than one multicast), so
    it is planned as a push when written instead of waiting the coalescing window."""
    if node.get("click_tracking") == FRIEND:
        return True
    return any(name == DISPLAY_NAME for _path, name in variables_in(node.get("messages") or []))


def _row(ctx: StepContext, messages: list[dict], status: str, error: str = "") -> JourneySend:
    """The send row of this step, written with the runner's batch (``send_add``); when the step
    runs again the row it wrote before stays (a step's writes commit together with the
    enrolment's move, so it only exists after a completed run). A pending row of personal
    messages is written planned (a push, due now, with the retry key it is written with);
    the others are planned by ``sending.planning`` with the rows they may share a multicast
    with."""
    planned = status == JourneySend.Status.PENDING and is_personal(ctx.node)
    return JourneySend(
        account=ctx.account,
        journey=ctx.journey,
        version=ctx.version,
        enrolment=ctx.enrolment,
        friend=ctx.friend,
        step=ctx.enrolment.step,
        node_id=ctx.node_id,
        line_user_id=ctx.friend.line_user_id,
        messages=messages,
        group_key=group_key(ctx, messages),
        status=status,
        error=error,
        created_at=ctx.now,
        method=JourneySend.Method.PUSH,
        next_attempt_at=ctx.now if planned else None,
    )


def _held(ctx: StepContext, messages, status: str, reason: str, message: str) -> StepResult:
    held, result = {"reason": reason}, {"held": reason}
    send_add(ctx.enrolment, _row(ctx, messages, status, error=message), held, result)
    journal(ctx, EnrolmentStep.Kind.HELD, detail=held)
    return StepResult(outlet="next", detail=result)


def _coupon_refusal(ctx: StepContext, messages: list[dict]) -> str:
    """Why a coupon of these messages may not be sent now ("" when none is closed or ended);
    the OA's closed coupons are read once per runner batch."""
    ids = [m.get("couponId") for m in messages if m.get("type") == "coupon"]
    if not ids:
        return ""

    def read() -> dict[str, str]:
        return coupon_refusals_by_id(account=ctx.account)

    refusals = ctx.batch.answer(("coupon_refusals", ctx.account.pk), read) if ctx.batch else read()
    return next((refusals[i] for i in ids if i in refusals), "")


def execute(ctx: StepContext) -> StepResult:
    friend, node = ctx.friend, ctx.node
    messages = messages_for(
        node,
        display_name=friend.display_name or "",
        properties=ctx.enrolment.trigger_properties or {},
        journey_id=ctx.journey.pk,
        node_id=ctx.node_id,
        friend_id=friend.pk,
        signed_at=ctx.now,
    )
    if friend.erased_at is not None or friend.status != Friend.Status.FOLLOWING:
        return _held(
            ctx,
            messages,
            JourneySend.Status.FAILED,
            "not_following",
            _("The friend does not follow the OA."),
        )
    refusal = _coupon_refusal(ctx, messages)
    if refusal:
        return _held(ctx, messages, JourneySend.Status.FAILED, "coupon_unavailable", refusal)
    if not ctx.enrolment.is_test:
        quiet_end = governance.quiet_until(account=ctx.account, now=ctx.now)
        if quiet_end is not None:
            if node.get("quiet_hours") == "drop":
                return _held(
                    ctx,
                    messages,
                    JourneySend.Status.DROPPED,
                    "quiet_hours",
                    _("Dropped: the OA's quiet hours."),
                )
            journal(ctx, EnrolmentStep.Kind.HELD, detail={"reason": "quiet_hours_defer"})
            return StepResult(retry_at=quiet_end, detail={"deferred_until": quiet_end.isoformat()})
        if governance.capped(account=ctx.account, friend_id=friend.pk, now=ctx.now):
            return _held(
                ctx,
                messages,
                JourneySend.Status.CAPPED,
                "frequency_cap",
                _("Held back: the friend has reached the OA's frequency cap."),
            )
    result: dict = {}
    send_add(ctx.enrolment, _row(ctx, messages, JourneySend.Status.PENDING), result)
    kicks.send_soon()
    return StepResult(outlet="next", detail=result)
