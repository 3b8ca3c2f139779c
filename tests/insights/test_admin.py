"""Superusers see every tenant's imports and sync state in the admin, read-only."""

import pytest
from django.test import Client

from oa_console.models import User
from tests.insights.factories import ImportJobFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/admin/insights/importjob/",
        "/admin/insights/columnmapping/",
        "/admin/insights/insightsyncstate/",
    ],
)
def test_admin_lists_are_read_only_and_cross_tenant(account, other_account, path):
    ImportJobFactory(account=account, original_name="alpha.csv")
    ImportJobFactory(account=other_account, original_name="bravo.csv")
    client = Client()
    client.force_login(
        User.objects.create_superuser(email="root@example.com", password="x-pass-12345")
    )
    response = client.get(path)
    assert response.status_code == 200
    if "importjob" in path:
        body = response.content.decode()
        assert "alpha.csv" in body and "bravo.csv" in body
        assert "Add import job" not in body
