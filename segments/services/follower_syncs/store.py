"""Storing what LINE's follower list says: new ids become following friends (their profiles
fetched later), known ones are marked as listed, and those that came back are recomputed.

Split from the sync's paging and progress (``sync``): this is the part that
writes friends, the same whether the ids came from LINE or from the demo's simulated list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from django.db import connection, transaction

from oa_console.models import LineAccount
from segments.models.friends import Friend
from segments.services import friends as services
from segments.services import profiles

# A LINE profile (``displayName``, ``language``) for a user id; the demo's stands in for LINE.
ProfileSource = Callable[[str], dict]


def follower_ids_apply(
    *,
    account: LineAccount,
    user_ids: Iterable[str],
    listed_at: datetime,
    profile_for: ProfileSource | None = None,
) -> int:
    """Record that these users follow the OA as of ``listed_at``; returns the friends added.

    New ids become following friends (source "LINE follower list"; their follow time is
    unknown) whose profiles are then fetched; known ones get ``listed_at``, and those the
    console had as not following (they came back) are recomputed.
    """
    ids = sorted({user_id for user_id in user_ids if user_id})
    if not ids:
        return 0
    known = dict(
        Friend.objects.for_account(account)
        .filter(line_user_id__in=ids)
        .values_list("line_user_id", "status")
    )
    missing = [user_id for user_id in ids if user_id not in known]
    _friends_insert(account, missing, listed_at, profile_for)
    Friend.objects.for_account(account).filter(line_user_id__in=ids).update(
        listed_at=listed_at, unlisted_at=None
    )
    returned = [user_id for user_id, status in known.items() if status != Friend.Status.FOLLOWING]
    if returned:
        services.friends_recompute(
            account=account,
            friend_ids=Friend.objects.for_account(account)
            .filter(line_user_id__in=returned)
            .values_list("pk", flat=True),
        )
    new_ids = list(
        Friend.objects.for_account(account)
        .filter(
            line_user_id__in=missing,
            source=Friend.Source.FOLLOWER_LIST,
            listed_at=listed_at,
        )
        .values_list("pk", flat=True)
    )
    if new_ids and profile_for is None:
        transaction.on_commit(lambda: profiles.friend_profiles_refresh_enqueue(new_ids))
    return len(new_ids)


def _friends_insert(
    account: LineAccount,
    user_ids: list[str],
    listed_at: datetime,
    profile_for: ProfileSource | None,
) -> None:
    """Insert new friends with one prepared statement per 1,000 rows, skipping ids a webhook
    added meanwhile (``ON CONFLICT DO NOTHING``, SQLite and PostgreSQL alike).

    ``bulk_create`` prepares each of a friend's 30 columns for every row, which was most of the
    time of reading a large list (12 s for the demo's 22,000 followers on a busy machine); here
    the columns that are the same for every new friend are prepared once.
    """
    if not user_ids:
        return
    template = Friend(
        account=account,
        line_user_id="",
        source=Friend.Source.FOLLOWER_LIST,
        listed_at=listed_at,
        created_at=listed_at,
        updated_at=listed_at,
    )
    if profile_for is not None:
        template.profile_status = Friend.ProfileStatus.FETCHED
        template.profile_fetched_at = listed_at
    fields = [f for f in Friend._meta.concrete_fields if not f.primary_key]
    base = [f.get_db_prep_save(getattr(template, f.attname), connection) for f in fields]
    varying = {f.attname: i for i, f in enumerate(fields)}
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(Friend._meta.db_table)} "
        f"({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT DO NOTHING"
    )
    rows = []
    for user_id in user_ids:
        row = list(base)
        row[varying["line_user_id"]] = user_id
        if profile_for is not None:
            profile = profile_for(user_id)
            row[varying["display_name"]] = str(profile.get("displayName", ""))[:200]
            row[varying["language"]] = str(profile.get("language", ""))[:16]
        rows.append(row)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 1000):
            cursor.executemany(sql, rows[start : start + 1000])
