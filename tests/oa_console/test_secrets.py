"""Channel secrets and access tokens are encrypted at rest and never rendered back in full."""

from django.db import connection
from django.urls import reverse

from oa_console.models import LineAccount
from tests.conftest import client_for

SECRET = "0123456789abcdef0123456789abcdef"
TOKEN = "very-long-channel-access-token-ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def test_secrets_are_ciphertext_in_the_database(workspace, owner):
    from oa_console.services.line_accounts import line_account_create

    account = line_account_create(
        workspace=workspace, display_name="Secret OA", channel_secret=SECRET, access_token=TOKEN
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT channel_secret, access_token FROM oa_console_lineaccount WHERE id = %s",
            [account.pk],
        )
        stored_secret, stored_token = cursor.fetchone()
    assert SECRET not in stored_secret and TOKEN not in stored_token
    assert stored_secret.startswith("gAAAA")  # Fernet token
    reloaded = LineAccount.unscoped.get(pk=account.pk)
    assert reloaded.channel_secret == SECRET
    assert reloaded.access_token == TOKEN


def test_settings_page_never_shows_secrets(owner, account):
    page = client_for(owner).get(
        reverse(
            "account_settings", kwargs={"workspace_slug": "alpha", "account_slug": account.slug}
        )
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert account.channel_secret not in body
    assert account.access_token not in body
    assert account.channel_secret[-4:] in body  # the masked hint


def test_blank_secret_on_edit_keeps_the_stored_one(owner, account):
    old_secret = account.channel_secret
    response = client_for(owner).post(
        reverse(
            "account_settings", kwargs={"workspace_slug": "alpha", "account_slug": account.slug}
        ),
        {
            "display_name": "Alpha Tokyo 2",
            "time_zone": "Asia/Tokyo",
            "channel_secret": "",
            "access_token": "new-token",
        },
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.channel_secret == old_secret
    assert account.access_token == "new-token"
    assert account.display_name == "Alpha Tokyo 2"
