"""Two-factor sign-in: set-up, the login's code step, recovery codes, turning it off."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from oa_console.models import AuditAction, AuditEntry
from oa_console.roles import Role
from oa_console.services.memberships import membership_set
from tests.conftest import PASSWORD, client_for
from tests.factories import WorkspaceFactory
from tests.two_factor import (
    clear_otp_throttle,
    code_for,
    code_for_key,
    enable_two_factor,
    key_from_secret,
)

pytestmark = pytest.mark.django_db


def _log_in(email: str, password: str = PASSWORD, next_url: str = "") -> tuple[Client, object]:
    client = Client()
    data = {"username": email, "password": password}
    if next_url:
        data["next"] = next_url
    return client, client.post(reverse("login"), data)


def _secret_on(page: str) -> str:
    return re.search(r'data-testid="two-factor-secret">([A-Z2-7 ]+)<', page).group(1)


def test_enrolment_shows_a_qr_code_and_the_secret_and_counts_only_after_a_code(owner):
    client = client_for(owner)
    page = client.get(reverse("two_factor_enrol"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and 'data-testid="two-factor-qr"' in body
    device = TOTPDevice.objects.get(user=owner)
    assert not device.confirmed
    assert key_from_secret(_secret_on(body)) == device.bin_key
    # Reloading shows the same secret (the app may have scanned it already).
    assert _secret_on(client.get(reverse("two_factor_enrol")).content.decode()) == _secret_on(body)

    wrong = client.post(reverse("two_factor_enrol"), {"token": "000000"})
    assert wrong.status_code == 400
    assert "This code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    done = client.post(reverse("two_factor_enrol"), {"token": code_for(device)})
    assert done.status_code == 302 and done["Location"] == reverse("two_factor_codes")
    assert TOTPDevice.objects.get(pk=device.pk).confirmed


def test_recovery_codes_are_shown_once_and_never_cached(owner):
    client = client_for(owner)
    client.get(reverse("two_factor_enrol"))
    device = TOTPDevice.objects.get(user=owner)
    client.post(reverse("two_factor_enrol"), {"token": code_for(device)})
    page = client.get(reverse("two_factor_codes"))
    assert page["Cache-Control"] == "no-store"
    shown = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page.content.decode())
    assert len(shown) == 10
    assert set(shown) == set(StaticToken.objects.values_list("token", flat=True))
    again = client.get(reverse("two_factor_codes")).content.decode()
    assert not any(code in again for code in shown)
    assert "10 recovery codes left" in again


def test_enabling_is_audited_in_every_workspace_of_the_user(owner):
    second = WorkspaceFactory(slug="second", name="Second")
    membership_set(workspace=second, user=owner, role=Role.VIEWER)
    client = client_for(owner)
    client.get(reverse("two_factor_enrol"))
    device = TOTPDevice.objects.get(user=owner)
    client.post(reverse("two_factor_enrol"), {"token": code_for(device)})
    entries = AuditEntry.unscoped.filter(action=AuditAction.TWO_FACTOR_ENABLED)
    assert sorted(e.workspace.slug for e in entries) == ["alpha", "second"]
    assert {e.actor_label for e in entries} == {owner.email}


def test_login_with_two_factor_needs_a_code_and_reaches_nothing_before_it(owner, account):
    device, _codes = enable_two_factor(owner)
    target = f"/w/alpha/oa/{account.slug}/insights/"
    client, step_one = _log_in(owner.email, next_url=target)
    assert step_one.status_code == 302
    assert step_one["Location"].startswith(reverse("two_factor_verify"))
    # Between the password and the code: every page sends to the code page, the API refuses.
    for path in ("/w/alpha/", target, reverse("two_factor_settings"), "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("two_factor_verify")), path
    api = client.get(f"/api/v1/accounts/{account.pk}/")
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "two_factor_required"

    wrong = client.post(reverse("two_factor_verify"), {"token": "123456", "next": target})
    assert wrong.status_code == 400
    assert client.get("/w/alpha/").status_code == 302
    clear_otp_throttle(owner)
    right = client.post(reverse("two_factor_verify"), {"token": code_for(device), "next": target})
    assert right.status_code == 302 and right["Location"] == target
    assert client.get(target).status_code == 200
    assert client.get(f"/api/v1/accounts/{account.pk}/").status_code == 200


def test_a_recovery_code_signs_in_once(owner):
    _device, codes = enable_two_factor(owner)
    client, _ = _log_in(owner.email)
    response = client.post(reverse("two_factor_verify"), {"token": codes[0].upper()}, follow=True)
    assert response.status_code == 200
    assert "9 are left" in response.content.decode()
    assert client.get("/w/alpha/").status_code == 200
    again, _ = _log_in(owner.email)
    refused = again.post(reverse("two_factor_verify"), {"token": codes[0]})
    assert refused.status_code == 400
    assert again.get("/w/alpha/").status_code == 302


def test_logout_is_reachable_between_password_and_code(owner):
    enable_two_factor(owner)
    client, _ = _log_in(owner.email)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get("/w/alpha/")["Location"].startswith(reverse("login"))


def test_a_user_without_two_factor_logs_in_with_the_password_only(owner):
    client, response = _log_in(owner.email)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get("/w/alpha/").status_code == 200
    assert client.get(reverse("two_factor_verify")).status_code == 302


def test_new_recovery_codes_need_a_current_code_and_replace_the_old_ones(owner):
    device, old_codes = enable_two_factor(owner)
    client, _ = _log_in(owner.email)
    client.post(reverse("two_factor_verify"), {"token": old_codes[0]})
    refused = client.post(reverse("two_factor_codes_regenerate"), {"token": "999999"})
    assert refused.status_code == 400 and "This code is not right" in refused.content.decode()
    assert refused["Cache-Control"] == "no-store"
    clear_otp_throttle(owner)
    made = client.post(reverse("two_factor_codes_regenerate"), {"token": code_for(device)})
    assert made.status_code == 302
    page = client.get(reverse("two_factor_codes")).content.decode()
    new_codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert AuditEntry.unscoped.filter(action=AuditAction.TWO_FACTOR_RECOVERY_CODES).count() == 1


def test_turning_off_needs_a_code_or_the_password_and_is_audited(owner):
    enable_two_factor(owner)
    client, _ = _log_in(owner.email)
    client.post(reverse("two_factor_verify"), {"token": code_for(TOTPDevice.objects.get())})
    refused = client.post(reverse("two_factor_disable"), {"password": "not-my-password"})
    assert refused.status_code == 400, refused.content.decode()[-3000:]
    assert "Type a current code or your password" in refused.content.decode()
    empty = client.post(reverse("two_factor_disable"), {})
    assert empty.status_code == 400
    done = client.post(reverse("two_factor_disable"), {"password": PASSWORD})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=owner).exists()
    assert not StaticToken.objects.filter(device__user=owner).exists()
    assert AuditEntry.unscoped.filter(action=AuditAction.TWO_FACTOR_DISABLED).count() == 1
    # Off: the password alone signs in again.
    _again, response = _log_in(owner.email)
    assert response["Location"] == reverse("home")


def test_turning_off_is_refused_while_a_workspace_requires_it(owner, workspace):
    device, _codes = enable_two_factor(owner)
    workspace.two_factor_required = True
    workspace.save()
    client, _ = _log_in(owner.email)
    client.post(reverse("two_factor_verify"), {"token": code_for(device)})
    page = client.get(reverse("two_factor_disable")).content.decode()
    assert "Alpha Agency" in page and "cannot turn it off" in page
    refused = client.post(reverse("two_factor_disable"), {"password": PASSWORD})
    assert refused.status_code == 400
    assert TOTPDevice.objects.filter(user=owner, confirmed=True).exists()


def test_security_page_is_in_the_user_menu_and_says_the_status(owner):
    client = client_for(owner)
    home = client.get("/w/alpha/").content.decode()
    assert reverse("two_factor_settings") in home
    assert (
        "Set up two-factor sign-in" in client.get(reverse("two_factor_settings")).content.decode()
    )
    enable_two_factor(owner)
    client, _ = _log_in(owner.email)
    client.post(reverse("two_factor_verify"), {"token": code_for(TOTPDevice.objects.get())})
    page = client.get(reverse("two_factor_settings")).content.decode()
    assert "10 recovery codes left" in page


def test_the_enrolment_secret_works_in_an_app_typed_by_hand(owner):
    """The text secret alone (no QR code) yields codes the console accepts."""
    client = client_for(owner)
    secret = _secret_on(client.get(reverse("two_factor_enrol")).content.decode())
    code = code_for_key(key_from_secret(secret))
    assert client.post(reverse("two_factor_enrol"), {"token": code}).status_code == 302
