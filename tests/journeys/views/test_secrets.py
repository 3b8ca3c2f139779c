"""Webhook signing secrets: admins add (shown once) and delete; everyone else reads the names."""

from __future__ import annotations

import pytest

from journeys.models import WebhookSecret
from tests.conftest import client_for
from tests.journeys.views.helpers import url

pytestmark = pytest.mark.django_db


def test_an_admin_adds_a_secret_and_sees_its_value_once(admin_user, account):
    client = client_for(admin_user)
    value = "s3cret-value-of-the-brand-0123"
    response = client.post(url("journey_secrets", account), {"name": "shop", "secret": value})
    assert response.status_code == 200
    assert value in response.content.decode()
    assert WebhookSecret.unscoped.get(account=account).secret == value
    again = client.get(url("journey_secrets", account)).content.decode()
    assert "shop" in again
    assert value not in again


def test_an_empty_secret_is_made_for_the_admin(owner, account):
    response = client_for(owner).post(url("journey_secrets", account), {"name": "crm"})
    stored = WebhookSecret.unscoped.get(account=account).secret
    assert len(stored) >= 32
    assert stored in response.content.decode()


def test_bad_name_short_secret_and_duplicates_are_shown_on_their_fields(admin_user, account):
    client = client_for(admin_user)
    bad = client.post(url("journey_secrets", account), {"name": "Shop!", "secret": "short"})
    body = bad.content.decode()
    assert bad.status_code == 400
    assert body.count('data-testid="field-error"') == 2
    client.post(url("journey_secrets", account), {"name": "shop", "secret": "x" * 20})
    twice = client.post(url("journey_secrets", account), {"name": "shop", "secret": "y" * 20})
    assert twice.status_code == 400
    assert 'id="id_name_error"' in twice.content.decode()
    assert WebhookSecret.unscoped.filter(account=account).count() == 1


@pytest.mark.parametrize("role", ["marketer", "viewer"])
def test_others_read_the_names_but_may_not_add_or_delete(role, request, account):
    user = request.getfixturevalue(role)
    secret = WebhookSecret.unscoped.create(account=account, name="shop", secret="z" * 20)
    client = client_for(user)
    page = client.get(url("journey_secrets", account)).content.decode()
    assert "shop" in page
    assert 'data-testid="secret-form"' not in page
    assert "z" * 20 not in page
    add = client.post(url("journey_secrets", account), {"name": "crm", "secret": "q" * 20})
    assert add.status_code == 403
    delete = client.post(url("journey_secret_delete", account, secret.pk))
    assert delete.status_code == 403
    assert WebhookSecret.unscoped.filter(account=account).count() == 1


def test_an_admin_deletes_a_secret(admin_user, account):
    secret = WebhookSecret.unscoped.create(account=account, name="shop", secret="z" * 20)
    response = client_for(admin_user).post(url("journey_secret_delete", account, secret.pk))
    assert response.status_code == 302
    assert not WebhookSecret.unscoped.exists()


def test_empty_state(viewer, account):
    page = client_for(viewer).get(url("journey_secrets", account))
    assert 'data-testid="secrets-empty"' in page.content.decode()
