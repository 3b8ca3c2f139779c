"""Webhook signing secrets: admins add and delete them; the value is kept encrypted."""

import pytest

from journeys.models import WebhookSecret
from journeys.services.errors import JourneyError, NotAllowed
from journeys.services.secrets import webhook_secret_create, webhook_secret_delete
from oa_console.models import AuditEntry

pytestmark = pytest.mark.django_db
SECRET = "s3cret-value-of-the-shop"


def test_admin_adds_and_deletes_a_secret(account, admin_user):
    secret = webhook_secret_create(account=account, name="shop", secret=SECRET, user=admin_user)
    assert WebhookSecret.unscoped.get(pk=secret.pk).secret == SECRET
    with pytest.raises(JourneyError) as excinfo:
        webhook_secret_create(account=account, name="shop", secret=SECRET, user=admin_user)
    assert excinfo.value.code == "secret_exists"
    webhook_secret_delete(account=account, secret=secret, user=admin_user)
    assert not WebhookSecret.unscoped.exists()
    entries = AuditEntry.unscoped.order_by("pk")
    assert [e.action for e in entries] == ["webhook_secret.created", "webhook_secret.deleted"]
    assert all(SECRET not in str(e.details) for e in entries)


def test_marketer_may_not_add_a_secret(account, marketer):
    with pytest.raises(NotAllowed):
        webhook_secret_create(account=account, name="shop", secret=SECRET, user=marketer)


@pytest.mark.parametrize(
    ("name", "secret", "code"),
    [("Shop!", SECRET, "secret_name"), ("shop", "short", "secret_length")],
)
def test_bad_names_and_short_secrets_are_refused(account, owner, name, secret, code):
    with pytest.raises(JourneyError) as excinfo:
        webhook_secret_create(account=account, name=name, secret=secret, user=owner)
    assert excinfo.value.code == code
