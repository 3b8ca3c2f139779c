"""Django admin for superusers across tenants, and structured request logs with the tenant."""

import json
import logging

import pytest
from django.test import Client

from oa_console.models import User
from oa_console.roles import Role
from tests.conftest import client_for, make_member


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser(email="root@example.com", password="x-long-password-1")


@pytest.mark.parametrize(
    "path",
    [
        "/admin/oa_console/lineaccount/",
        "/admin/oa_console/membership/",
        "/admin/oa_console/apikey/",
        "/admin/oa_console/invitation/",
        "/admin/oa_console/workspace/",
        "/admin/oa_console/user/",
    ],
)
def test_admin_lists_every_tenant_without_secrets(superuser, account, other_account, path):
    make_member(account.workspace, Role.VIEWER)
    client = Client()
    client.force_login(superuser)
    response = client.get(path)
    assert response.status_code == 200
    body = response.content.decode()
    assert account.channel_secret not in body and account.access_token not in body


def test_admin_change_page_of_an_oa_hides_secrets(superuser, account):
    client = Client()
    client.force_login(superuser)
    body = client.get(f"/admin/oa_console/lineaccount/{account.pk}/change/").content.decode()
    assert "Alpha Tokyo" in body
    assert account.channel_secret not in body


def test_request_log_line_names_workspace_and_account(owner, account, caplog):
    caplog.set_level(logging.INFO, logger="oa_console.request")
    client_for(owner).get("/w/alpha/oa/alpha-tokyo/insights/")
    record = next(r for r in caplog.records if r.name == "oa_console.request")
    assert record.workspace == "alpha"
    assert record.account == "alpha-tokyo"
    assert record.status == 200
    assert record.path == "/w/alpha/oa/alpha-tokyo/insights/"


def test_log_lines_are_json(owner, capsys):
    from oa_console.settings import LOGGING

    logging.config.dictConfig(LOGGING)
    client_for(owner).get("/w/alpha/")
    lines = [
        line for line in capsys.readouterr().out.splitlines() if '"oa_console.request"' in line
    ]
    entry = json.loads(lines[-1])
    assert entry["workspace"] == "alpha" and entry["method"] == "GET" and entry["status"] == 200
