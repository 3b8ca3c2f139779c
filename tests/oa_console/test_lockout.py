"""Lockout after failed sign-ins (django-axes): per account and per address, on the console
login, the admin login and the two-factor code step; the message; the unlock paths."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from oa_console.models import AuditAction, AuditEntry, Membership
from tests.conftest import PASSWORD, client_for
from tests.two_factor import clear_otp_throttle, code_for, enable_two_factor

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT


def _attempt(email: str, password: str, *, address: str = "127.0.0.1", **headers):
    return Client(REMOTE_ADDR=address, **headers).post(
        reverse("login"), {"username": email, "password": password}
    )


def _fail(email: str, times: int = LIMIT, **kwargs) -> None:
    """Wrong passwords; the one that reaches the limit already answers with the lockout."""
    for _ in range(times):
        assert _attempt(email, "wrong-password", **kwargs).status_code in {200, 429}


def test_the_limit_locks_the_account_even_for_the_right_password(owner):
    for _ in range(LIMIT - 1):
        assert _attempt(owner.email, "wrong-password").status_code == 200
    # One short of the limit: the right password still works, and clears the account's count.
    assert _attempt(owner.email, PASSWORD).status_code == 302
    for _ in range(LIMIT - 1):
        assert _attempt(owner.email, "wrong-password").status_code == 200
    assert _attempt(owner.email, "wrong-password").status_code == 429  # the limit-th failure
    locked = _attempt(owner.email, PASSWORD)
    assert locked.status_code == 429
    body = locked.content.decode()
    assert 'data-testid="lockout-message"' in body
    assert "sign-in is locked for 15 more minutes" in body
    assert "ask an owner or admin of your workspace to unlock it" in body
    assert "<form" in body and 'name="password"' in body  # the login page itself
    assert "_auth_user_id" not in Client().session


def test_typing_the_e_mail_differently_is_the_same_account(owner):
    for variant in ("OWNER@alpha.example", " owner@Alpha.example", "owner@alpha.example"):
        _attempt(variant, "wrong")
    _fail(owner.email, LIMIT - 3)
    assert _attempt(owner.email.upper(), PASSWORD).status_code == 429


def test_per_address_many_accounts_from_one_address_lock_it(owner, viewer):
    for n in range(LIMIT):
        _attempt(f"nobody{n}@example.com", "guess", address="203.0.113.9")
    assert _attempt(viewer.email, PASSWORD, address="203.0.113.9").status_code == 429
    # The accounts themselves are not locked elsewhere.
    assert _attempt(viewer.email, PASSWORD, address="198.51.100.1").status_code == 302


def test_per_account_failures_from_many_addresses_lock_it(owner):
    for n in range(LIMIT):
        _attempt(owner.email, "guess", address=f"198.51.100.{n + 1}")
    assert _attempt(owner.email, PASSWORD, address="192.0.2.77").status_code == 429


@override_settings(TRUSTED_PROXY_HOPS=1)
def test_the_address_is_read_like_the_console_reads_it(owner):
    """Behind one proxy the client is the last X-Forwarded-For entry; what the client wrote
    further left is not trusted (each attempt forges a new one)."""
    for n in range(LIMIT):
        _attempt(
            f"nobody{n}@example.com",
            "guess",
            address="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 203.0.113.50",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.50"}
    assert (
        _attempt(owner.email, PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.50")
    ).status_code == 429
    # Another client behind the same proxy is not locked.
    assert (
        _attempt(owner.email, PASSWORD, address="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.51")
    ).status_code == 302


def test_the_lock_ends_with_the_cool_off(owner):
    _fail(owner.email)
    assert _attempt(owner.email, PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - settings.AXES_COOLOFF_TIME
    )
    assert _attempt(owner.email, PASSWORD).status_code == 302


def test_the_message_counts_down(owner):
    _fail(owner.email)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=10)
    )
    assert "locked for 5 more minutes" in _attempt(owner.email, PASSWORD).content.decode()


def test_the_admin_login_is_locked_too_with_its_message_on_its_page(db):
    from oa_console.models import User

    User.objects.create_superuser(email="root@example.com", password=PASSWORD)
    client = Client()
    for _ in range(LIMIT):
        client.post("/admin/login/", {"username": "root@example.com", "password": "nope"})
    locked = client.post("/admin/login/", {"username": "root@example.com", "password": PASSWORD})
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "sign-in is locked for" in body and 'name="password"' in body
    assert "_auth_user_id" not in client.session


def test_wrong_two_factor_codes_count_and_lock_out(owner):
    enable_two_factor(owner)
    client = Client()
    client.post(reverse("login"), {"username": owner.email, "password": PASSWORD})
    for _ in range(LIMIT - 1):
        clear_otp_throttle(owner)
        assert client.post(reverse("two_factor_verify"), {"token": "000000"}).status_code == 400
    clear_otp_throttle(owner)
    locked = client.post(reverse("two_factor_verify"), {"token": "000000"})
    assert locked.status_code == 429
    assert "sign-in is locked for" in locked.content.decode()
    # Signed out: the session that knew the password is gone.
    assert client.get("/w/alpha/")["Location"].startswith(reverse("login"))
    # And the password step refuses too while locked.
    assert _attempt(owner.email, PASSWORD).status_code == 429


def test_a_complete_sign_in_clears_the_account_failures(owner):
    device, _codes = enable_two_factor(owner)
    _fail(owner.email, LIMIT - 1)
    client = Client()
    client.post(reverse("login"), {"username": owner.email, "password": PASSWORD})
    # The password alone does not clear them (the code might never come)...
    assert AccessAttempt.objects.filter(username=owner.email).exists()
    client.post(reverse("two_factor_verify"), {"token": code_for(device)})
    # ...the code does.
    assert not AccessAttempt.objects.filter(username=owner.email).exists()


def test_an_admin_unlocks_a_locked_member_from_the_members_page(owner, admin_user, viewer):
    _fail(viewer.email)
    membership = Membership.unscoped.get(user=viewer)
    page = client_for(admin_user).get("/w/alpha/settings/members/").content.decode()
    row = page.split(f"<td>{viewer.email}</td>", 1)[1].split("</tr>", 1)[0]
    assert 'data-testid="member-locked"' in row and "Unlock sign-in" in row
    url = reverse(
        "member_unlock", kwargs={"workspace_slug": "alpha", "membership_id": membership.pk}
    )
    assert client_for(viewer).post(url).status_code == 403  # not the viewer's to do
    response = client_for(admin_user).post(url, follow=True)
    assert f"{viewer.email} can sign in again." in response.content.decode()
    assert _attempt(viewer.email, PASSWORD, address="192.0.2.1").status_code == 302
    entry = AuditEntry.unscoped.get(action=AuditAction.MEMBER_UNLOCKED)
    assert entry.actor_label == admin_user.email and entry.target_label == str(viewer)
    assert entry.details == {"failed_attempts_cleared": 1}


def test_manage_py_axes_reset_unlocks_everyone(owner):
    _fail(owner.email)
    call_command("axes_reset")
    assert _attempt(owner.email, PASSWORD).status_code == 302
