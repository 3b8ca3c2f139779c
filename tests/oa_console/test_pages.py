"""Tenancy pages end to end through Django's test client: login, invitations, API keys, OA
settings, and what bad input gets (errors in place, nothing written)."""

import re

import pytest
from django.core import mail
from django.http import HttpRequest  # axes checks every sign-in against its request
from django.test import Client
from django.urls import reverse

from oa_console.models import ApiKey, Invitation, LineAccount, Membership, User
from oa_console.roles import Role
from tests.conftest import PASSWORD, client_for, make_member


def test_login_with_email_and_redirect_to_only_workspace(owner, account):
    client = Client()
    response = client.post(reverse("login"), {"username": owner.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/", follow=True).redirect_chain[-1][0] == "/w/alpha/"


def test_wrong_password_shows_error_in_place(owner):
    response = Client().post(reverse("login"), {"username": owner.email, "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct" in response.content.decode()


def test_workspace_picker_lists_every_membership(owner, other_workspace):
    Membership.unscoped.create(user=owner, workspace=other_workspace, role=Role.VIEWER)
    client = client_for(owner)
    assert client.get("/").url == "/w/"
    body = client.get("/w/").content.decode()
    assert "Alpha Agency" in body and "Bravo Brand" in body


def test_unknown_workspace_and_oa_slugs_are_404(owner, account):
    client = client_for(owner)
    assert client.get("/w/nope/").status_code == 404
    assert client.get("/w/alpha/oa/nope/insights/").status_code == 404
    assert client.get("/w/alpha/oa/alpha-tokyo/insights/").status_code == 200


def test_invitation_flow_creates_a_limited_member(
    owner, workspace, account, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("member_invite", kwargs={"workspace_slug": "alpha"}),
            {
                "email": "Client@Brand.example",
                "role": "viewer",
                "access": "some",
                "accounts": [account.pk],
            },
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/auth/invitations/\S+/", mail.outbox[0].body).group(0)
    path = "/" + link.split("/", 3)[3]

    newcomer = Client()
    form = newcomer.get(path)
    assert form.status_code == 200 and "client@brand.example" in form.content.decode()
    weak = newcomer.post(path, {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200 and "field-error" in weak.content.decode()
    assert not User.objects.filter(email="client@brand.example").exists()
    done = newcomer.post(
        path, {"new_password1": "a-long-passphrase-2026", "new_password2": "a-long-passphrase-2026"}
    )
    assert done.status_code == 302
    membership = Membership.unscoped.get(user__email="client@brand.example")
    assert membership.role == Role.VIEWER
    assert list(
        Membership.accounts.through.objects.filter(membership=membership).values_list(
            "lineaccount_id", flat=True
        )
    ) == [account.pk]
    # The link works once.
    assert Client().get(path).status_code == 404


def test_invite_errors_are_shown_in_place_and_nothing_written(owner, admin_user):
    client = client_for(admin_user)
    url = reverse("member_invite", kwargs={"workspace_slug": "alpha"})
    bad_email = client.post(url, {"email": "not-an-email", "role": "viewer"})
    assert bad_email.status_code == 200 and "field-error" in bad_email.content.decode()
    existing = client.post(url, {"email": owner.email, "role": "viewer", "access": "all"})
    assert "already a member" in existing.content.decode()
    above_own = client.post(url, {"email": "boss@example.com", "role": "owner", "access": "all"})
    assert "field-error" in above_own.content.decode()
    assert Invitation.unscoped.count() == 0
    assert len(mail.outbox) == 0


def test_api_key_is_shown_once(owner, workspace):
    client = client_for(owner)
    url = reverse("api_key_list", kwargs={"workspace_slug": "alpha"})
    created = client.post(url, {"name": "POS sync", "role": "marketer"}).content.decode()
    raw = re.search(r"oak_[0-9a-f]{12}_[A-Za-z0-9_-]+", created).group(0)
    assert ApiKey.unscoped.get(workspace=workspace).name == "POS sync"
    listing = client.get(url).content.decode()
    assert raw not in listing
    assert raw.split("_")[1] in listing  # the prefix identifies it
    api = Client().get("/api/v1/accounts/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.status_code == 200


def test_api_key_form_errors_in_place(owner):
    response = client_for(owner).post(
        reverse("api_key_list", kwargs={"workspace_slug": "alpha"}), {"name": "", "role": "viewer"}
    )
    assert response.status_code == 200
    assert "field-error" in response.content.decode()
    assert ApiKey.unscoped.count() == 0


def test_connect_oa_shows_webhook_url(owner, workspace):
    client = client_for(owner)
    response = client.post(
        reverse("account_create", kwargs={"workspace_slug": "alpha"}),
        {
            "display_name": "Taipei Café",
            "basic_id": "@taipeicafe",
            "channel_id": "1234567890",
            "time_zone": "Asia/Taipei",
            "channel_secret": "f" * 32,
            "access_token": "token",
        },
        follow=True,
    )
    account = LineAccount.unscoped.get(workspace=workspace)
    assert account.slug == "taipeicafe"
    assert account.webhook_url in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("basic_id", "abc"),
        ("channel_id", "12ab"),
        ("bot_user_id", "Uxyz"),
        ("time_zone", "Mars/Base"),
    ],
)
def test_connect_oa_bad_input_errors_in_place(owner, field, value):
    data = {
        "display_name": "X",
        "time_zone": "Asia/Tokyo",
        "channel_secret": "s",
        "access_token": "t",
        field: value,
    }
    response = client_for(owner).post(
        reverse("account_create", kwargs={"workspace_slug": "alpha"}), data
    )
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()
    assert LineAccount.unscoped.count() == 0


def test_csrf_less_posts_are_refused_and_write_nothing(owner, workspace):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(
        reverse("api_key_list", kwargs={"workspace_slug": "alpha"}), {"name": "x", "role": "viewer"}
    )
    assert response.status_code == 403
    assert ApiKey.unscoped.count() == 0
    api = client.post("/api/v1/accounts/", {})
    assert api.status_code in (403, 405)


def test_last_owner_cannot_be_demoted_or_removed(owner, workspace):
    client = client_for(owner)
    membership = Membership.unscoped.get(user=owner)
    client.post(
        reverse("member_edit", kwargs={"workspace_slug": "alpha", "membership_id": membership.pk}),
        {"role": "viewer", "access": "all"},
    )
    membership.refresh_from_db()
    assert membership.role == Role.OWNER
    client.post(
        reverse("member_remove", kwargs={"workspace_slug": "alpha", "membership_id": membership.pk})
    )
    assert Membership.unscoped.filter(pk=membership.pk).exists()


def test_owner_deletes_workspace_only_with_matching_slug(owner, workspace, account):
    client = client_for(owner)
    url = reverse("workspace_delete", kwargs={"workspace_slug": "alpha"})
    wrong = client.post(url, {"confirm_slug": "alpah"})
    assert wrong.status_code == 200 and "does not match" in wrong.content.decode()
    assert LineAccount.unscoped.filter(pk=account.pk).exists()
    assert client.post(url, {"confirm_slug": "alpha"}).status_code == 302
    assert not LineAccount.unscoped.filter(pk=account.pk).exists()


def test_password_reset_sends_a_working_link(owner):
    Client().post(reverse("password_reset"), {"email": owner.email})
    assert len(mail.outbox) == 1
    path = re.search(r"https?://[^/]+(/auth/password/reset/\S+/)", mail.outbox[0].body).group(1)
    client = Client()
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "brand-new-pass-2026", "new_password2": "brand-new-pass-2026"},
    )
    assert response.status_code == 302
    assert Client().login(
        request=HttpRequest(), username=owner.email, password="brand-new-pass-2026"
    )


def test_empty_workspace_explains_next_step(owner, viewer):
    admin_page = client_for(owner).get("/w/alpha/").content.decode()
    assert "Connect your first LINE Official Account" in admin_page
    viewer_page = client_for(viewer).get("/w/alpha/").content.decode()
    assert "has not connected an OA yet" in viewer_page
    assert reverse("account_create", kwargs={"workspace_slug": "alpha"}) not in viewer_page


def test_language_switch_translates_nothing_broken(owner, account):
    client = client_for(owner)
    client.post(reverse("set_language"), {"language": "ja", "next": "/w/alpha/"})
    page = client.get("/w/alpha/")
    assert page.status_code == 200
    assert '<html lang="ja"' in page.content.decode()


def test_htmx_revoke_returns_only_the_table_fragment(owner, workspace):
    from oa_console.services.api_keys import api_key_create

    api_key, _raw = api_key_create(workspace=workspace, name="Old BI", role=Role.VIEWER)
    client = client_for(owner)
    url = reverse("api_key_revoke", kwargs={"workspace_slug": "alpha", "api_key_id": api_key.pk})
    response = client.post(
        url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="api-keys-table", follow=True
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="api-keys-table">')
    assert "<html" not in body and "Revoked" in body
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None


def test_htmx_request_for_an_unknown_fragment_is_refused(owner):
    response = client_for(owner).get(
        reverse("api_key_list", kwargs={"workspace_slug": "alpha"}),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="main",
    )
    assert response.status_code == 400


def test_existing_user_accepts_invitation_after_logging_in(owner, workspace, other_workspace):
    from oa_console.services.invitations import invitation_create

    bravo_owner = make_member(other_workspace, Role.OWNER, email="boss@bravo.example")
    _invitation, token = invitation_create(
        workspace=workspace,
        email=bravo_owner.email,
        role=Role.MARKETER,
        invited_by=owner,
        acting_role=Role.OWNER,
    )
    path = reverse("invitation_accept", kwargs={"token": token})
    anonymous = Client().get(path)
    assert anonymous.status_code == 302 and "/auth/login/" in anonymous["Location"]
    wrong_person = client_for(owner).get(path)
    assert wrong_person.status_code == 403
    client = client_for(bravo_owner)
    assert client.post(path).status_code == 302
    assert Membership.unscoped.get(user=bravo_owner, workspace=workspace).role == Role.MARKETER
    assert client.get("/").url == "/w/"


@pytest.mark.parametrize(
    ("url_name", "extra", "section"),
    [
        ("account_friends", {}, "Friends & segments"),
        ("friend_detail", {"line_user_id": "U" + "1" * 32}, "Friends & segments"),
        ("segment_list", {}, "Friends & segments"),
        ("insights_friends", {}, "Insights"),
        ("broadcast_new", {}, "Broadcasts"),
        ("broadcast_calendar", {}, "Broadcasts"),
        ("webhook_health", {}, "Webhook"),
        ("account_settings", {}, "OA settings"),
    ],
)
def test_the_section_tab_stays_current_on_its_sub_pages(owner, account, url_name, extra, section):
    from tests.segments.factories import FriendFactory

    FriendFactory(account=account, line_user_id="U" + "1" * 32)
    kwargs = {"workspace_slug": account.workspace.slug, "account_slug": account.slug, **extra}
    body = client_for(owner).get(reverse(url_name, kwargs=kwargs)).content.decode()
    nav = body.split('class="container section-nav"', 1)[1].split("</nav>", 1)[0]
    current = re.findall(r'aria-current="page">([^<]+)</a>', nav)
    assert current == [section]
