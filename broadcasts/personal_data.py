"""What the broadcasts app holds about a friend, for personal-data requests (registered into
``segments.personal_data`` in ``BroadcastsConfig.ready``): which broadcasts reached them (and
in which A/B arm), which held them back (holdout, frequency cap), and their tracked clicks.

Erasure keeps every count: recipient lists keep the (now anonymous) friend id and get the
pseudonym for the LINE user id, so results and variant figures, read live from the
``Delivery`` view, stay the same. A call not yet made drops them instead: the console cannot
send to a pseudonym, and one unknown id would make LINE refuse the whole multicast.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from broadcasts.models import Broadcast, BroadcastBatch, Click, Delivery, HeldBack, RecipientChunk
from segments.personal_data.registry import PersonalDataProvider, Section, Subject
from segments.personal_data.scrub import rows_mentioning, scrub_rows


def export(subject: Subject) -> list[Section]:
    account, friend = subject.account, subject.friend
    deliveries = Section("broadcast_deliveries", _("Broadcasts addressed to the friend"))
    rows = (
        Delivery.objects.for_account(account)
        .filter(friend_id=friend.pk)
        .select_related("broadcast", "batch", "variant")
        .order_by("batch__sent_at", "broadcast_id")
    )
    for row in rows:
        deliveries.records.append(
            {
                "broadcast": row.broadcast.name,
                "method": row.batch.method,
                "state": row.batch.status,
                "sent_at": row.batch.sent_at,
                "variant": row.variant.label if row.variant else "",
                "variant_name": row.variant.name if row.variant else "",
            }
        )
    held = Section("broadcasts_held_back", _("Broadcasts held back from the friend"))
    for item in (
        HeldBack.objects.for_account(account).filter(friend=friend).select_related("broadcast")
    ):
        held.records.append(
            {
                "broadcast": item.broadcast.name,
                "reason": item.reason,
                "started_at": item.broadcast.started_at,
            }
        )
    clicks = Section("link_clicks", _("Tracked link clicks"))
    for click in (
        Click.objects.for_account(account)
        .filter(friend=friend)
        .select_related("broadcast", "variant")
        .order_by("clicked_at")
    ):
        clicks.records.append(
            {
                "broadcast": click.broadcast.name,
                "url": click.url,
                "variant": click.variant.label if click.variant else "",
                "clicked_at": click.clicked_at,
            }
        )
    return [deliveries, held, clicks]


def _without(ids: list, uids: list, friend_id: int, uid: str) -> tuple[list, list]:
    pairs = [(f, u) for f, u in zip(ids, uids, strict=False) if f != friend_id and u != uid]
    return [f for f, _u in pairs], [u for _f, u in pairs]


def erase(subject: Subject) -> dict[str, int]:
    account, uid, pseudonym = subject.account, subject.line_user_id, subject.pseudonym
    friend_id = subject.friend.pk
    counts = {"recipient_lists": 0, "held_back": 0}
    batches = rows_mentioning(
        BroadcastBatch.objects.for_account(account), "line_user_ids", uid
    ).only("pk", "status", "friend_ids", "line_user_ids", "size")
    chunks = rows_mentioning(
        RecipientChunk.objects.for_account(account), "line_user_ids", uid
    ).select_related("batch")
    # A batch's own lists, then the chunks that hold a one-call batch's recipients: each list
    # follows the state of the batch it belongs to.
    lists = [*((batch, batch.status) for batch in batches), *((c, c.batch.status) for c in chunks)]
    for row, status in lists:
        same_row = type(row).objects.for_account(account).filter(pk=row.pk)
        if status == BroadcastBatch.Status.PENDING:
            ids, uids = _without(row.friend_ids, row.line_user_ids, friend_id, uid)
            same_row.update(friend_ids=ids, line_user_ids=uids, size=len(uids))
        else:
            same_row.update(line_user_ids=[pseudonym if u == uid else u for u in row.line_user_ids])
        counts["recipient_lists"] += 1
    counts["held_back"] = (
        HeldBack.objects.for_account(account)
        .filter(line_user_id=uid)
        .update(line_user_id=pseudonym)
    )
    # LINE's answer to a failed call may quote the id it refused.
    replacements = {uid: pseudonym}
    counts["error_messages"] = scrub_rows(
        BroadcastBatch.objects.for_account(account), ["error_message"], replacements, needle=uid
    ) + scrub_rows(
        Broadcast.objects.for_account(account),
        ["error_message", "failure"],
        replacements,
        needle=uid,
    )
    # Clicks name no one but the (now anonymous) friend row: they stay for the results.
    return counts


PROVIDER = PersonalDataProvider(app="broadcasts", export=export, erase=erase, order=20)
