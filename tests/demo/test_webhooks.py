"""The demo's webhook activity arrives through the signed endpoint and is processed."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from oa_console.models import LineAccount
from segments.models import Friend, Interaction
from webhooks.demo import DEMO_SCRIPTS
from webhooks.models import WebhookEvent

pytestmark = pytest.mark.django_db


def test_seed_demo_sends_signed_webhooks_and_derives_friends():
    call_command("seed_demo", verbosity=0, stdout=StringIO())
    cafe = LineAccount.unscoped.get(slug="taipei-cafe")
    events = WebhookEvent.unscoped.filter(account=cafe)
    assert events.count() > DEMO_SCRIPTS["taipei-cafe"]["friends"]
    assert not events.exclude(status=WebhookEvent.Status.PROCESSED).exists()
    # The webhook's friends; the demo's follower sync adds the rest of LINE's list.
    friends = Friend.unscoped.filter(account=cafe, source=Friend.Source.WEBHOOK)
    assert friends.count() == DEMO_SCRIPTS["taipei-cafe"]["friends"]
    assert not friends.filter(display_name="").exists()
    assert friends.filter(status=Friend.Status.BLOCKED).exists()
    assert Interaction.unscoped.filter(account=cafe, kind="message").exists()
    # The bot user id was checked, not learned: it matched the demo OA's own.
    assert cafe.bot_user_id
    totals = (WebhookEvent.unscoped.count(), Friend.unscoped.count(), Interaction.unscoped.count())
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert (
        WebhookEvent.unscoped.count(),
        Friend.unscoped.count(),
        Interaction.unscoped.count(),
    ) == totals
