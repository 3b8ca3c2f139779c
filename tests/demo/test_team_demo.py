"""The demo's team work: notes with mentions, measured sessions, search over the demo chats."""

from __future__ import annotations

import pytest

from inbox.models import ConversationSession, InboxAvailability, InboxTeamSettings, NoteMention
from inbox.selectors.search import conversation_search
from oa_console.models import LineAccount
from oa_console.tenancy import tenant_scope
from tests.oa_console.commands.helpers import run

# django_db like the package's other tests: pytest-django runs unmarked tests last, after the
# package's seeded demo was rolled back, and the demo would be seeded a second time for them.
pytestmark = pytest.mark.django_db


def test_seed_demo_has_notes_mentions_times_and_searchable_chats():
    run("seed_demo")
    mentioned = set(NoteMention.unscoped.values_list("user__email", flat=True))
    assert {"agent@demo.example", "owner@demo.example"} <= mentioned
    sessions = ConversationSession.unscoped.all()
    assert sessions.filter(first_response_at__isnull=False).exists()
    assert sessions.filter(resolved_at__isnull=False).exists()
    assert InboxTeamSettings.unscoped.get(account__slug="taipei-cafe").auto_assign
    assert InboxAvailability.unscoped.filter(
        user__email="agent@demo.example", available=True
    ).exists()
    account = LineAccount.unscoped.select_related("workspace").get(slug="bangkok-fitness")
    with tenant_scope(workspace=account.workspace, account=account):
        hits = conversation_search(accounts=[account], query="คลาสโยคะ")
    assert hits.message_conversation_ids
