"""The pages of member data and orders imports: the old address, the mapping steps, the upload
form's types and the unknown ids download."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from insights.imports.jobs import import_job_run
from insights.models import ImportJob
from segments.models import CustomEvent
from tests.insights.conftest import upload_file
from tests.insights.imports.member_files import (
    FULL_MAPPING,
    UNKNOWN,
    full_file,
    import_members,
    refreshed,
    values,
)

pytestmark = pytest.mark.django_db


def test_old_member_import_address_opens_the_imports_page_with_the_type(marketer, viewer, account):
    from tests.conftest import client_for

    client = client_for(marketer)
    base = f"/w/alpha/oa/{account.slug}"
    response = client.get(f"{base}/friends/import/")
    assert (response.status_code, response["Location"]) == (
        302,
        f"{base}/imports/?report=members",
    )
    assert client.get(f"{base}/friends/import/?kind=orders")["Location"].endswith("report=orders")
    page = client.get(f"{base}/imports/?report=members").content.decode()
    assert '<option value="members" selected>Member data</option>' in page
    assert client_for(viewer).get(f"{base}/friends/import/").status_code == 403


def test_mapping_step_page_for_member_data(marketer, world, account):
    from tests.conftest import client_for

    client = client_for(marketer)
    job = upload_file(
        account,
        f"LINE user ID,Spend,Joined\n{world.friends['C'].line_user_id},1200,2024-05-01\n",
        "m.csv",
        report="members",
    )
    url = f"/w/alpha/oa/{account.slug}/imports/{job.pk}/mapping/"
    page = client.get(url).content.decode()
    assert 'name="key"' in page
    assert 'value="attribute:number:spend" selected' in page, "type inferred from the preview"
    assert 'value="attribute:date:joined" selected' in page
    assert "1200" in page, "the preview shows the first rows"
    # No column for the chosen key: the error shows in place.
    response = client.post(
        url,
        {
            "report": "members",
            "key": "member_id",
            "column_0": "line_user_id",
            "column_1": "attribute:number:spend",
            "column_2": "",
            "remember": "on",
            "confirm": "1",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Friends matched by member ID cannot get their LINE user ID from a file." in body
    response = client.post(
        url,
        {
            "report": "members",
            "key": "line_user_id",
            "column_0": "line_user_id",
            "column_1": "attribute:number:spend",
            "column_2": "",
            "confirm": "1",
        },
    )
    assert response.status_code == 302
    assert refreshed(job).status == "queued"
    import_job_run(job_id=job.pk)
    assert values(world.friends["C"], "spend") == Decimal("1200")


def test_unknown_ids_download(marketer, world, account):
    from tests.conftest import client_for

    job = import_members(account, full_file(world), FULL_MAPPING)
    base = f"/w/alpha/oa/{account.slug}/imports/{job.pk}"
    detail = client_for(marketer).get(f"{base}/").content.decode()
    assert "1 unknown ID" in detail
    assert 'data-testid="unknown-ids-download"' in detail
    response = client_for(marketer).get(f"{base}/unknown-ids.csv")
    assert response.status_code == 200
    assert UNKNOWN in b"".join(response.streaming_content).decode("utf-8-sig")


def test_upload_form_offers_member_data_and_orders(marketer, account):
    from tests.conftest import client_for

    client = client_for(marketer)
    url = f"/w/alpha/oa/{account.slug}/imports/"
    response = client.post(
        url,
        {"files": [SimpleUploadedFile("m.csv", b"member_id,tier\nM1,gold\n")], "report": "members"},
    )
    assert response.status_code == 302
    job = ImportJob.unscoped.get(account=account)
    assert (job.requested_report, job.status) == ("members", "queued")


def test_mapping_step_page_for_orders_asks_for_the_currency(marketer, world, account):
    from tests.conftest import client_for

    job = upload_file(
        account, "cust,no,when,total\nM1,Z-1,2025-06-01,100\n", "o.csv", report="orders"
    )
    assert job.status == "needs_mapping"
    url = f"/w/alpha/oa/{account.slug}/imports/{job.pk}/mapping/"
    client = client_for(marketer)
    assert "Currency of orders without one" in client.get(url).content.decode()
    columns = {"column_0": "member_id", "column_1": "order_id", "column_2": "occurred_at"}
    data = {"report": "orders", **columns, "column_3": "amount", "confirm": "1"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Map a column to each required field: Currency." in response.content.decode()
    response = client.post(url, {**data, "currency": "TWD"})
    assert response.status_code == 302
    import_job_run(job_id=job.pk)
    event = CustomEvent.unscoped.get(idempotency_key="order:Z-1")
    assert (event.currency, event.amount, event.friend_id) == (
        "TWD",
        Decimal("100.00"),
        world.friends["A"].pk,
    )
