"""Call the brand's webhook: a signed POST of the journey, the node, the friend and the event's
properties; a 2xx answer goes on (``next``), its JSON able to set the friend's attributes;
a failure is retried with back-off up to ``retries`` times, then takes the ``failed`` path.

The call is not made here, inside the runner's transaction: on arrival the node records it
(``engine.webhook_calls``) and parks the friend; the webhook task makes it with no transaction
open and, with its final answer, hands the friend back; the node then reads that answer.

A missing secret or an address the console will not call fails without retries (no retry can
mend it), with a readable reason on the friend's timeline.
"""

from __future__ import annotations

from django.utils.translation import ngettext

from journeys.engine.nodes.base import StepContext, StepResult
from journeys.engine.webhook_calls import secret_missing_error, webhook_call_start
from journeys.models import WebhookCall, WebhookSecret
from segments.services.friend_attributes import AttributeValueInvalid, friend_attribute_set


def payload(ctx: StepContext) -> dict:
    return {
        "journey": {"id": ctx.journey.pk, "name": ctx.journey.name, "version": ctx.version.number},
        "node": ctx.node_id,
        "enrolment": ctx.enrolment.pk,
        "friend": {
            "line_user_id": ctx.friend.line_user_id,
            "member_id": ctx.friend.member_id or None,
        },
        "properties": ctx.enrolment.trigger_properties or {},
        "test": ctx.enrolment.is_test,
    }


def _failed(code: str, error: str, **detail) -> StepResult:
    return StepResult(outlet="failed", detail={"code": code, "error": error, **detail})


def _set_attributes(ctx: StepContext, answer: dict | None) -> dict:
    """The answer's mapped keys written to the friend's attributes; what was set or skipped."""
    mapping = ctx.node.get("response_attributes") or {}
    changed, skipped = [], []
    for answer_key, attribute in sorted(mapping.items()):
        if answer is None or answer.get(answer_key) is None:
            continue
        try:
            friend_attribute_set(
                account=ctx.account, friend=ctx.friend, key=attribute, value=answer[answer_key]
            )
            changed.append(attribute)
        except AttributeValueInvalid:
            skipped.append(attribute)
    result = {}
    if changed:
        result["attributes"] = changed
    if skipped:
        result["attributes_skipped"] = skipped
    return result


def execute(ctx: StepContext) -> StepResult:
    node = ctx.node
    call = (
        WebhookCall.objects.for_account(ctx.account)
        .filter(enrolment_id=ctx.enrolment.pk, step=ctx.enrolment.step)
        .first()
    )
    if call is None:
        if (
            not WebhookSecret.objects.for_account(ctx.account)
            .filter(name=node["secret_ref"])
            .exists()
        ):
            return _failed("secret_missing", secret_missing_error(node))
        call = webhook_call_start(ctx, payload(ctx))
        return StepResult(parked=True, detail={"delivery": call.delivery_id})
    if call.status == WebhookCall.Status.PENDING:
        return StepResult(parked=True, detail={"delivery": call.delivery_id})
    call.delete()  # answered: the row has served its purpose
    return _answered(ctx, call)


def _answered(ctx: StepContext, call: WebhookCall) -> StepResult:
    """The call's final answer: ``next`` (its JSON setting attributes) or ``failed``."""
    result, attempt = call.result, call.attempts
    if result.get("ok"):
        return StepResult(
            outlet="next",
            detail={
                "status": result.get("status"),
                "attempt": attempt,
                **_set_attributes(ctx, result.get("answer")),
            },
        )
    detail = {"attempt": attempt, "status": result.get("status")}
    if result["code"] == "gave_up":
        return _failed(
            "gave_up",
            ngettext("%(error)s It was tried once.", "%(error)s It was tried %(n)s times.", attempt)
            % {"error": result["error"], "n": attempt},
            **detail,
        )
    return _failed(result["code"], result["error"], **detail)
