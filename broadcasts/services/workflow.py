"""The broadcast state machine: draft → in review → approved → scheduled → sending → sent /
partially failed / failed, and cancelled.

Each transition locks the row, checks the state it starts from and commits in one transaction,
so two clicks (or a click and the scheduler) cannot both move a broadcast. Who may call which
transition is the views' and API's business (``Capability``); what may happen next is decided
here, once, for both.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from broadcasts.audiences import audience_for, chooses_each_recipient, is_known
from broadcasts.models import Broadcast
from broadcasts.services import variants as ab
from broadcasts.services.recurrence import clean_weekdays
from coupons.selectors import coupon_message_refusals
from oa_console import audit
from oa_console.line.messages import is_personalised, messages_errors
from oa_console.models import AuditAction, LineAccount, User
from segments.models import Segment

S = Broadcast.Status
EDITABLE = (S.DRAFT, S.IN_REVIEW, S.APPROVED, S.SCHEDULED)
CANCELLABLE = EDITABLE


class BroadcastConflict(Exception):
    """The broadcast is not in a state that allows this action (answered 409 by the API)."""


def _locked(broadcast: Broadcast) -> Broadcast:
    return Broadcast.objects.for_account(broadcast.account).select_for_update().get(pk=broadcast.pk)


def _guard(broadcast: Broadcast, allowed: tuple[str, ...], action: str) -> None:
    if broadcast.status not in allowed:
        raise BroadcastConflict(
            _("A broadcast that is %(status)s cannot be %(action)s.")
            % {"status": broadcast.get_status_display().lower(), "action": action}
        )


def _clean(
    *,
    account: LineAccount,
    name: str,
    messages: Any,
    audience_kind: str,
    segment_id: int | None,
    demographic: Any,
) -> Segment | None:
    """Validate content and audience; every problem is reported at once, keyed by field."""
    errors: dict[str, list[str]] = {}
    if not name or not name.strip():
        errors["name"] = [_("Give the broadcast a name.")]
    message_problems = messages_errors(messages)
    if message_problems:
        errors["messages"] = [str(problem) for problem in message_problems]
    coupon_problems = coupon_message_refusals(account=account, messages=messages)
    if coupon_problems:
        errors.setdefault("messages", []).extend(why for _index, why in coupon_problems)
    segment = None
    if not is_known(audience_kind):
        errors["audience"] = [_("Choose who receives the broadcast.")]
    else:
        segment, audience_errors = audience_for(audience_kind).clean(
            account=account, segment_id=segment_id, demographic=demographic
        )
        errors.update(audience_errors)
    if (
        not message_problems
        and is_personalised(messages)
        and not chooses_each_recipient(audience_kind)
    ):
        errors.setdefault("messages", []).append(
            _(
                "{displayName} needs a saved segment as the audience: each friend then gets a "
                "message of their own. LINE broadcasts and narrowcasts send one text to everyone."
            )
        )
    if errors:
        raise ValidationError(errors)
    return segment


def _clean_with_variants(
    *,
    account: LineAccount,
    name: str,
    messages: Any,
    audience_kind: str,
    segment_id: int | None,
    demographic: Any,
    variants: Any,
    variant_test_percent: Any,
) -> tuple[Segment | None, list[dict], Any]:
    """``_clean`` plus A/B variants: every problem of both at once. With variants, the
    broadcast's own messages are the first variant's (``messages`` may be left empty)."""
    cleaned, errors = ab.clean_variants(
        variants, audience_kind=audience_kind, test_percent=variant_test_percent
    )
    if variants and not errors:
        messages = cleaned[0]["messages"]
    elif variants:
        messages = [{"type": "text", "text": "-"}]  # content errors are the variants' own
    segment = None
    try:
        segment = _clean(
            account=account,
            name=name,
            messages=messages,
            audience_kind=audience_kind,
            segment_id=segment_id,
            demographic=demographic,
        )
    except ValidationError as exc:
        errors = {**exc.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    return segment, cleaned, messages


def _clean_holdout(holdout_percent: int, audience_kind: str) -> None:
    """A holdout needs recipients the console chooses (a segment sent by multicast or push);
    LINE picks a broadcast's or narrowcast's recipients itself."""
    if not holdout_percent:
        return
    if not 1 <= holdout_percent <= 50:
        raise ValidationError({"holdout_percent": [_("Choose a holdout of 0 to 50%.")]})
    if not chooses_each_recipient(audience_kind):
        raise ValidationError(
            {"holdout_percent": [_("A holdout needs a saved segment as the audience.")]}
        )


def _clean_click_attribution(click_attribution: str) -> None:
    if click_attribution not in Broadcast.ClickAttribution.values:
        raise ValidationError({"click_attribution": [_("Choose per friend or per link.")]})


@transaction.atomic
def broadcast_create(
    *,
    account: LineAccount,
    created_by: User | None,
    name: str,
    messages: list[dict],
    audience_kind: str = Broadcast.AudienceKind.ALL,
    segment_id: int | None = None,
    demographic: dict | None = None,
    track_clicks: bool = True,
    click_attribution: str = Broadcast.ClickAttribution.FRIEND,
    goal: str = "",
    repeat_weekdays: list[int] | None = None,
    holdout_percent: int = 0,
    variants: list[dict] | None = None,
    variant_test_percent: int = 100,
    request: HttpRequest | None = None,
) -> Broadcast:
    weekdays = clean_weekdays(repeat_weekdays)
    segment, cleaned_variants, messages = _clean_with_variants(
        account=account,
        name=name,
        messages=messages,
        audience_kind=audience_kind,
        segment_id=segment_id,
        demographic=demographic,
        variants=variants,
        variant_test_percent=variant_test_percent,
    )
    _clean_holdout(holdout_percent, audience_kind)
    _clean_click_attribution(click_attribution)
    broadcast = Broadcast.objects.for_account(account).create(
        account=account,
        created_by=created_by,
        name=name.strip(),
        goal=goal.strip(),
        messages=messages,
        audience_kind=audience_kind,
        segment=segment,
        demographic=demographic if audience_for(audience_kind).uses_filter else None,
        track_clicks=track_clicks,
        click_attribution=click_attribution,
        repeat_weekdays=weekdays,
        holdout_percent=holdout_percent,
        variant_test_percent=variant_test_percent if cleaned_variants else 100,
    )
    ab.variants_save(broadcast=broadcast, variants=cleaned_variants)
    details: dict[str, Any] = {"audience": audience_kind}
    if segment is not None:
        details["segment"] = segment.name
    audit.record_on_object(
        AuditAction.BROADCAST_CREATED,
        broadcast,
        request=request,
        acting_user=created_by,
        details=details,
    )
    return broadcast


@transaction.atomic
def broadcast_update(
    *,
    broadcast: Broadcast,
    name: str,
    messages: list[dict],
    audience_kind: str,
    segment_id: int | None = None,
    demographic: dict | None = None,
    track_clicks: bool = True,
    click_attribution: str = Broadcast.ClickAttribution.FRIEND,
    goal: str = "",
    repeat_weekdays: list[int] | None = None,
    holdout_percent: int = 0,
    variants: list[dict] | None = None,
    variant_test_percent: int = 100,
) -> Broadcast:
    """Edit the content or audience. An approved or scheduled broadcast goes back to review:
    what the reviewer approved is no longer what would be sent."""
    weekdays = clean_weekdays(repeat_weekdays)
    broadcast = _locked(broadcast)
    _guard(broadcast, EDITABLE, _("edited"))
    followup_errors = ab.followup_audience_errors(broadcast, audience_kind, segment_id)
    if followup_errors:
        raise ValidationError(followup_errors)
    segment, cleaned_variants, messages = _clean_with_variants(
        account=broadcast.account,
        name=name,
        messages=messages,
        audience_kind=audience_kind,
        segment_id=segment_id,
        demographic=demographic,
        variants=variants,
        variant_test_percent=variant_test_percent,
    )
    broadcast.name = name.strip()
    broadcast.goal = goal.strip()
    broadcast.messages = messages
    broadcast.audience_kind = audience_kind
    broadcast.segment = segment
    broadcast.demographic = demographic if audience_for(audience_kind).uses_filter else None
    broadcast.track_clicks = track_clicks
    _clean_click_attribution(click_attribution)
    broadcast.click_attribution = click_attribution
    broadcast.repeat_weekdays = weekdays
    _clean_holdout(holdout_percent, audience_kind)
    broadcast.holdout_percent = holdout_percent
    broadcast.variant_test_percent = variant_test_percent if cleaned_variants else 100
    ab.variants_save(broadcast=broadcast, variants=cleaned_variants)
    if broadcast.status in (S.APPROVED, S.SCHEDULED):
        broadcast.status = S.IN_REVIEW
        broadcast.reviewed_by = None
        broadcast.reviewed_at = None
        broadcast.review_comment = ""
    broadcast.save()
    return broadcast


@transaction.atomic
def broadcast_submit(*, broadcast: Broadcast, user: User | None) -> Broadcast:
    broadcast = _locked(broadcast)
    _guard(broadcast, (S.DRAFT,), _("submitted for review"))
    broadcast.status = S.IN_REVIEW
    broadcast.submitted_by = user
    broadcast.save(update_fields=["status", "submitted_by", "updated_at"])
    return broadcast


@transaction.atomic
def broadcast_approve(
    *,
    broadcast: Broadcast,
    user: User | None,
    comment: str = "",
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> Broadcast:
    """Approve; a broadcast whose author already chose a future time is scheduled at once."""
    now = now or timezone.now()
    broadcast = _locked(broadcast)
    _guard(broadcast, (S.IN_REVIEW,), _("approved"))
    broadcast.reviewed_by = user
    broadcast.reviewed_at = now
    broadcast.review_comment = comment.strip()
    has_future_time = broadcast.send_at is not None and broadcast.send_at > now
    broadcast.status = S.SCHEDULED if has_future_time else S.APPROVED
    broadcast.save()
    details: dict[str, Any] = {"comment": broadcast.review_comment} if comment.strip() else {}
    if has_future_time:
        details["send_at"] = broadcast.send_at.isoformat()
    audit.record_on_object(
        AuditAction.BROADCAST_APPROVED,
        broadcast,
        request=request,
        acting_user=user,
        details=details,
    )
    return broadcast


@transaction.atomic
def broadcast_reject(
    *, broadcast: Broadcast, user: User | None, comment: str, now: datetime | None = None
) -> Broadcast:
    """Send back to the author as a draft, with the reviewer's reason."""
    if not comment or not comment.strip():
        raise ValidationError({"comment": [_("Say what needs to change.")]})
    broadcast = _locked(broadcast)
    _guard(broadcast, (S.IN_REVIEW,), _("rejected"))
    broadcast.status = S.DRAFT
    broadcast.reviewed_by = user
    broadcast.reviewed_at = now or timezone.now()
    broadcast.review_comment = comment.strip()
    broadcast.save()
    return broadcast


@transaction.atomic
def broadcast_schedule(
    *, broadcast: Broadcast, send_at: datetime | None, now: datetime | None = None
) -> Broadcast:
    """Choose when it goes out (None = now). Before approval this only records the wish; an
    approved broadcast becomes scheduled, and one due now is handed to a worker at commit."""
    now = now or timezone.now()
    if send_at is not None and send_at < now - timezone.timedelta(minutes=1):
        raise ValidationError({"send_at": [_("Choose a time in the future.")]})
    broadcast = _locked(broadcast)
    _guard(broadcast, EDITABLE, _("scheduled"))
    if broadcast.status in (S.DRAFT, S.IN_REVIEW):
        if send_at is None:
            raise BroadcastConflict(_("Only an approved broadcast can be sent now."))
        broadcast.send_at = send_at
        broadcast.save(update_fields=["send_at", "updated_at"])
        return broadcast
    broadcast.send_at = send_at or now
    broadcast.status = S.SCHEDULED
    fields = ["send_at", "status", "updated_at"]
    if broadcast.plan_attempts:  # a new time starts planning afresh (see plan_failures)
        broadcast.plan_attempts, broadcast.plan_retry_at, broadcast.error_message = 0, None, ""
        fields += ["plan_attempts", "plan_retry_at", "error_message"]
    broadcast.save(update_fields=fields)
    if broadcast.send_at <= now:
        from broadcasts import tasks

        transaction.on_commit(lambda: tasks.dispatch_broadcast_soon(broadcast.pk))
    return broadcast


@transaction.atomic
def broadcast_cancel(*, broadcast: Broadcast, request: HttpRequest | None = None) -> Broadcast:
    broadcast = _locked(broadcast)
    _guard(broadcast, CANCELLABLE, _("cancelled"))
    was = broadcast.status
    broadcast.status = S.CANCELLED
    broadcast.save(update_fields=["status", "updated_at"])
    audit.record_on_object(
        AuditAction.BROADCAST_CANCELLED, broadcast, request=request, details={"status": was}
    )
    return broadcast


@transaction.atomic
def broadcast_delete(*, broadcast: Broadcast) -> None:
    """Only drafts and cancelled broadcasts: anything LINE has seen stays for the record."""
    broadcast = _locked(broadcast)
    _guard(broadcast, (S.DRAFT, S.CANCELLED), _("deleted"))
    broadcast.delete()
