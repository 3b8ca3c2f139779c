"""Saved replies in the browser: a paginated list, the form with its errors in place, delete;
viewers read them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inbox.models import SavedReply
from oa_console.roles import Role
from tests.conftest import client_for, make_member

pytestmark = pytest.mark.django_db


def _url(account, name, **kwargs):
    return reverse(
        name,
        kwargs={"workspace_slug": account.workspace.slug, "account_slug": account.slug, **kwargs},
    )


def test_write_edit_and_delete_a_saved_reply(account, workspace):
    agent = make_member(workspace, Role.AGENT, email="agent@alpha.example")
    client = client_for(agent)
    assert client.get(_url(account, "saved_reply_create")).status_code == 200
    bad = client.post(
        _url(account, "saved_reply_create"), {"name": "Hours", "text": "Hi {nickname}"}
    )
    assert bad.status_code == 200
    assert "{nickname}" in " ".join(bad.context["form"]["text"].errors)
    assert 'data-testid="field-error"' in bad.content.decode()
    made = client.post(
        _url(account, "saved_reply_create"), {"name": "Hours", "text": "Hi {displayName}"}
    )
    assert made.status_code == 302
    reply = SavedReply.unscoped.get()
    taken = client.post(_url(account, "saved_reply_create"), {"name": "Hours", "text": "x"})
    assert taken.context["form"]["name"].errors
    client.post(
        _url(account, "saved_reply_edit", reply_id=reply.pk),
        {"name": "Opening hours", "text": "10-20"},
    )
    reply.refresh_from_db()
    assert (reply.name, reply.text) == ("Opening hours", "10-20")
    listing = client.get(_url(account, "saved_reply_list")).content.decode()
    assert "Opening hours" in listing
    client.post(_url(account, "saved_reply_delete", reply_id=reply.pk))
    assert not SavedReply.unscoped.exists()


def test_the_list_is_paginated_and_viewers_only_read(account, viewer):
    SavedReply.unscoped.bulk_create(
        SavedReply(account=account, name=f"Reply {n:03}", text="t") for n in range(60)
    )
    client = client_for(viewer)
    first = client.get(_url(account, "saved_reply_list")).content.decode()
    assert first.count('data-testid="saved-reply-row"') == 50
    assert "Reply 059" not in first and 'data-testid="saved-reply-new"' not in first
    second = client.get(_url(account, "saved_reply_list"), {"page": 2}).content.decode()
    assert second.count('data-testid="saved-reply-row"') == 10
    assert client.get(_url(account, "saved_reply_create")).status_code == 403
    reply = SavedReply.unscoped.first()
    assert client.post(_url(account, "saved_reply_delete", reply_id=reply.pk)).status_code == 403
