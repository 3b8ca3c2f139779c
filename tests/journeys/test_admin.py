"""Journeys in the Django admin: superusers see every OA's rows, and change none."""

import pytest
from django.test import Client
from django.utils import timezone

from journeys.models import Enrolment, Journey, JourneyVersion
from journeys.starters import STARTERS
from tests.factories import UserFactory
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db


def test_superuser_reads_journeys_versions_and_enrolments_but_cannot_change_them(account):
    journey = Journey.unscoped.create(account=account, name="Birthday greetings")
    version = JourneyVersion.unscoped.create(
        account=account, journey=journey, number=1, graph=STARTERS["birthday"].graph()
    )
    enrolment = Enrolment.unscoped.create(
        account=account,
        journey=journey,
        version=version,
        friend=FriendFactory(account=account),
        node_id="greeting",
        entered_at=timezone.now(),
    )
    client = Client()
    client.force_login(UserFactory(email="root@example.com", is_staff=True, is_superuser=True))
    assert "Birthday greetings" in client.get("/admin/journeys/journey/").content.decode()
    assert client.get(f"/admin/journeys/journeyversion/{version.pk}/change/").status_code == 200
    detail = client.get(f"/admin/journeys/enrolment/{enrolment.pk}/change/")
    assert detail.status_code == 200 and "greeting" in detail.content.decode()
    assert client.get("/admin/journeys/journey/add/").status_code == 403
    deleting = client.post(f"/admin/journeys/journey/{journey.pk}/delete/", {"post": "yes"})
    assert deleting.status_code == 403
    assert Journey.unscoped.filter(pk=journey.pk).exists()
