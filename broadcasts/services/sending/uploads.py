"""A narrowcast's audiences uploaded to LINE before its one call: the planned recipients, and
the friends the frequency cap holds back (an exclusion audience). Progress is committed per
upload, so a resumed worker continues where the last one stopped.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from broadcasts import simulated_line
from broadcasts.audiences import audience_for
from broadcasts.models import Broadcast, BroadcastBatch, Delivery, HeldBack, RecipientChunk
from broadcasts.services.planning.limits import MIN_AUDIENCE
from broadcasts.services.send_audit import broadcast_send_recorded
from oa_console.line import clients, limiter
from oa_console.line.outcomes import REJECTED, line_call

Method = Broadcast.Method


def _upload(broadcast: Broadcast, *, exclusion: bool) -> int | None:
    """Upload the broadcast's audience (or its held-back friends) to LINE in chunks of 10,000;
    progress is committed per chunk, so a resumed worker continues where it stopped. Returns
    seconds to wait when the audience-call limit is spent, None when done."""
    from linebot.v3 import audience

    while True:
        with transaction.atomic():
            current = (
                Broadcast.objects.for_account(broadcast.account)
                .select_for_update()
                .get(pk=broadcast.pk)
            )
            group_id = current.exclusion_group_id if exclusion else current.audience_group_id
            offset = current.exclusion_uploaded if exclusion else current.audience_uploaded
            ids = _held_back_ids(current, offset) if exclusion else _audience_ids(current, offset)
            if not ids and group_id:
                return None
            decision = limiter.rate_limit_acquire(current.account, "audience")
            if not decision.allowed:
                return decision.retry_in
            audiences = [{"id": user_id} for user_id in ids]
            with clients.audience_api(current.account, host=simulated_line.host()) as api:
                if group_id is None:
                    request = audience.CreateAudienceGroupRequest.from_dict(
                        {
                            "description": (
                                f"{'exclude' if exclusion else 'audience'} broadcast {current.pk}"
                            )[:120],
                            "audiences": audiences,
                        }
                    )
                    outcome = line_call(
                        partial(
                            api.create_audience_group_with_http_info,
                            request,
                            _request_timeout=clients.REQUEST_TIMEOUT,
                        )
                    )
                else:
                    request = audience.AddAudienceToAudienceGroupRequest.from_dict(
                        {"audienceGroupId": group_id, "audiences": audiences}
                    )
                    outcome = line_call(
                        partial(
                            api.add_audience_to_audience_group_with_http_info,
                            request,
                            _request_timeout=clients.REQUEST_TIMEOUT,
                        )
                    )
            if outcome.retry_later:
                return outcome.retry_after or 60
            if outcome.kind == REJECTED:
                _fail(
                    current,
                    _("LINE refused the audience upload: %(message)s")
                    % {"message": outcome.message},
                )
                return None
            if group_id is None:
                group_id = outcome.data.audience_group_id
            if exclusion:
                current.exclusion_group_id = group_id
                current.exclusion_uploaded = offset + len(ids)
            else:
                current.audience_group_id = group_id
                current.audience_uploaded = offset + len(ids)
            current.save(
                update_fields=[
                    "exclusion_group_id",
                    "exclusion_uploaded",
                    "audience_group_id",
                    "audience_uploaded",
                ]
            )
            if len(ids) < RecipientChunk.SIZE:
                return None


def _held_back_ids(broadcast: Broadcast, offset: int) -> list[str]:
    """The next upload of the friends the frequency cap holds back (the exclusion audience)."""
    held_back = HeldBack.objects.for_account(broadcast.account).filter(
        broadcast=broadcast, reason=HeldBack.Reason.CAP
    )
    return list(
        held_back.order_by("pk").values_list("line_user_id", flat=True)[
            offset : offset + RecipientChunk.SIZE
        ]
    )


def _audience_ids(broadcast: Broadcast, offset: int) -> list[str]:
    """The next upload of the narrowcast's audience: the recipient chunk at ``offset`` (chunks
    are as large as an upload), so each upload reads one row whatever the audience's size."""
    chunk = (
        RecipientChunk.objects.for_account(broadcast.account)
        .filter(broadcast=broadcast, sequence=offset // RecipientChunk.SIZE)
        .values_list("line_user_ids", flat=True)
        .first()
    )
    if chunk is not None:
        return chunk[offset % RecipientChunk.SIZE :]
    if RecipientChunk.objects.for_account(broadcast.account).filter(broadcast=broadcast).exists():
        return []  # every chunk is uploaded
    # Planned before recipient chunks existed: the audience is on the batch row.
    return list(
        Delivery.objects.for_account(broadcast.account)
        .filter(broadcast=broadcast)
        .order_by("pk")
        .values_list("line_user_id", flat=True)[offset : offset + RecipientChunk.SIZE]
    )


@transaction.atomic
def _fail(broadcast: Broadcast, message: str) -> None:
    """Fail a broadcast before any message went out (its batches are dropped unsent)."""
    now = timezone.now()
    BroadcastBatch.objects.for_account(broadcast.account).filter(
        broadcast=broadcast, status=BroadcastBatch.Status.PENDING
    ).update(status=BroadcastBatch.Status.FAILED, error_message=message, last_attempt_at=now)
    Broadcast.objects.for_account(broadcast.account).filter(pk=broadcast.pk).update(
        status=Broadcast.Status.FAILED, error_message=message, finished_at=now
    )
    broadcast_send_recorded(broadcast_id=broadcast.pk)


def _needs_upload(broadcast: Broadcast) -> tuple[bool, bool]:
    if broadcast.method != Method.NARROWCAST:
        return False, False
    audience = audience_for(broadcast.audience_kind).needs_audience_upload
    exclusion = broadcast.excluded_by_cap >= MIN_AUDIENCE
    return audience, exclusion
