"""``manage.py replay_webhook_events``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from segments.models import Friend, Interaction
from tests.webhooks.factories import event, post_events, user_id

pytestmark = pytest.mark.django_db


def test_replay_rebuilds_deleted_derived_data_idempotently(line_client, account, process):
    post_events(
        line_client,
        account,
        [
            event("follow", user=user_id(1), timestamp=1_767_225_600_000),  # 2026-01-01 00:00 UTC
            event("message", user=user_id(1), timestamp=1_767_225_700_000),
            event("unfollow", user=user_id(2), timestamp=1_770_000_000_000),  # 2026-02-02
        ],
    )
    process()
    Interaction.unscoped.all().delete()
    Friend.unscoped.filter(line_user_id=user_id(1)).update(message_count=99, status="blocked")
    out = StringIO()
    call_command("replay_webhook_events", "--account", str(account.pk), stdout=out)
    assert "Replayed 3 events" in out.getvalue()
    first = Friend.unscoped.get(line_user_id=user_id(1))
    assert (first.status, first.message_count) == ("following", 1)
    assert Interaction.unscoped.count() == 1
    call_command(
        "replay_webhook_events", "--account", str(account.pk), "--since", "2026-02-01", stdout=out
    )
    assert "Replayed 1 events" in out.getvalue()
    assert Friend.unscoped.get(line_user_id=user_id(2)).status == "blocked"
    assert Interaction.unscoped.count() == 1


def test_replay_rejects_unknown_account_and_bad_date(account):
    with pytest.raises(CommandError, match="No OA"):
        call_command("replay_webhook_events", "--account", "999999")
    with pytest.raises(CommandError):
        call_command("replay_webhook_events", "--account", str(account.pk), "--since", "yesterday")
