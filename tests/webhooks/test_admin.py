"""The raw event store in the Django admin: visible to superusers, never editable."""

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.webhooks.factories import stored_event

pytestmark = pytest.mark.django_db


def test_superuser_lists_and_opens_raw_events_but_cannot_change_them(account):
    row = stored_event(account, kind="postback", postback={"data": "a=1"})
    superuser = UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(superuser)
    listing = client.get("/admin/webhooks/webhookevent/")
    assert listing.status_code == 200 and row.webhook_event_id in listing.content.decode()
    detail = client.get(f"/admin/webhooks/webhookevent/{row.pk}/change/")
    assert detail.status_code == 200 and "a=1" in detail.content.decode()
    assert (
        client.post(f"/admin/webhooks/webhookevent/{row.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert client.get("/admin/webhooks/webhookrejection/").status_code == 200
