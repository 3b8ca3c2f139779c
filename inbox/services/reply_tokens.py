"""Who answers with a friend's reply token: the first to claim it, and only while it is valid.

LINE accepts a reply token once, shortly after the event that carried it (LINE_PLATFORM.md:
treat it as valid for about a minute). Auto-replies claim the token of the event they answer;
an agent's answer claims the conversation's latest token. The claim is an insert into
``ReplyTokenUse`` guarded by its unique constraint, so of two claims of one token exactly one
wins, whatever their order, and the loser goes another way without calling LINE in vain.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from inbox.models import ReplyTokenUse
from oa_console.models import LineAccount

# Shorter than LINE's "about a minute": a claim made near the end must still reach LINE in time.
REPLY_TOKEN_LIFETIME = timedelta(seconds=50)
KEEP_USES_FOR = timedelta(days=1)


def reply_token_usable(
    *, token: str, received_at: datetime | None, now: datetime | None = None
) -> bool:
    """True while ``token`` (LINE sent it at ``received_at``) can still be used, if unclaimed."""
    if not token or received_at is None:
        return False
    return (now or timezone.now()) - received_at < REPLY_TOKEN_LIFETIME


def reply_token_claim(
    *,
    account: LineAccount,
    token: str,
    received_at: datetime | None,
    used_for: str,
    now: datetime | None = None,
) -> bool:
    """Claim ``token`` for one answer; False when it expired or another answer claimed it."""
    now = now or timezone.now()
    if not reply_token_usable(token=token, received_at=received_at, now=now):
        return False
    try:
        with transaction.atomic():
            ReplyTokenUse.objects.for_account(account).create(
                account=account, token=token, used_for=used_for, used_at=now
            )
    except IntegrityError:
        return False
    return True


def reply_tokens_claim(
    *, account: LineAccount, tokens: Sequence[str], used_for: str, now: datetime
) -> set[str]:
    """Claim many tokens (each still valid: the caller checked) in one statement; the ones this
    call won. ``INSERT ... ON CONFLICT DO NOTHING RETURNING``: a row another answer inserted
    first, committed or not, is not returned, so of two claims of a token exactly one wins
    (``reply_token_claim``'s rule for a whole batch)."""
    tokens = list(dict.fromkeys(token for token in tokens if token))
    if not tokens:
        return set()
    quote = connection.ops.quote_name
    used_at = ReplyTokenUse._meta.get_field("used_at").get_db_prep_save(now, connection)
    columns = ", ".join(quote(name) for name in ("account_id", "token", "used_for", "used_at"))
    sql = (
        f"INSERT INTO {quote(ReplyTokenUse._meta.db_table)} ({columns}) VALUES "
        + ", ".join(["(%s, %s, %s, %s)"] * len(tokens))
        + f" ON CONFLICT ({quote('account_id')}, {quote('token')}) DO NOTHING"
        f" RETURNING {quote('token')}"
    )
    params = [value for token in tokens for value in (account.pk, token, used_for, used_at)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def reply_token_is_claimed(*, account: LineAccount, token: str) -> bool:
    return ReplyTokenUse.objects.for_account(account).filter(token=token).exists()


def reply_token_uses_prune(*, now: datetime | None = None) -> int:
    """Delete claims of tokens long expired (nightly); returns how many."""
    cutoff = (now or timezone.now()) - KEEP_USES_FOR
    deleted, _ = ReplyTokenUse.unscoped.filter(used_at__lt=cutoff).delete()
    return deleted
