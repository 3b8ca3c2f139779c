"""Password-reset requests: throttled per address and per e-mail, silent about accounts, and
their links built on PUBLIC_BASE_URL (defect 9), like invitation links."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from oa_console.roles import Role
from oa_console.services.invitations import invitation_create

pytestmark = pytest.mark.django_db

URL = reverse("password_reset")
WAIT = "Too many reset requests: no e-mail was sent."


def _ask(email: str, *, address: str = "127.0.0.1", **headers):
    return Client(REMOTE_ADDR=address, **headers).post(URL, {"email": email})


def test_the_sixth_request_from_an_address_sends_nothing_and_says_to_wait(owner):
    for _ in range(5):
        assert _ask(owner.email).status_code == 302
    assert len(mail.outbox) == 5
    refused = _ask(owner.email)
    assert refused.status_code == 429
    assert WAIT in refused.content.decode()
    assert len(mail.outbox) == 5


def test_the_limit_per_e_mail_holds_across_addresses(owner):
    for n in range(5):
        _ask(owner.email, address=f"198.51.100.{n + 1}")
    assert _ask(owner.email, address="192.0.2.9").status_code == 429
    assert len(mail.outbox) == 5
    # Another address asking about another e-mail is not affected.
    assert _ask("someone@else.example", address="192.0.2.10").status_code == 302


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(owner):
    for _ in range(5):
        _ask("nobody@nowhere.example", address="203.0.113.1")
        _ask(owner.email, address="203.0.113.2")
    unknown = _ask("nobody@nowhere.example", address="203.0.113.1")
    known = _ask(owner.email, address="203.0.113.2")
    assert unknown.status_code == known.status_code == 429
    assert _comparable(unknown, "nobody@nowhere.example") == _comparable(known, owner.email)


def _comparable(response, email: str) -> str:
    """The page without what differs by design: the typed address and the CSRF tokens."""
    return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", response.content.decode().replace(email, "X"))


@override_settings(
    PUBLIC_BASE_URL="https://console.example.com",
    ALLOWED_HOSTS=["evil.example", "console.example.com", "testserver"],
)
def test_reset_links_use_public_base_url_not_the_host_header(owner):
    _ask(owner.email, HTTP_HOST="evil.example")
    body = mail.outbox[0].body
    assert "https://console.example.com/auth/password/reset/" in body
    assert "evil.example" not in body


@override_settings(
    PUBLIC_BASE_URL="https://console.example.com",
    ALLOWED_HOSTS=["evil.example", "console.example.com", "testserver"],
)
def test_invitation_links_use_public_base_url_not_the_host_header(
    owner, django_capture_on_commit_callbacks
):
    client = Client(HTTP_HOST="evil.example")
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("member_invite", kwargs={"workspace_slug": "alpha"}),
            {"email": "new@example.com", "role": Role.VIEWER, "access": "all"},
        )
    body = mail.outbox[0].body
    assert "https://console.example.com/auth/invitations/" in body
    assert "evil.example" not in body
    assert invitation_create  # the service builds the link: oa_console/services/invitations.py
