"""Orders as a type of the Imports page: purchase events once per order id, detection, the
currency question, per-row errors, and what they feed (segments, RFM); also through the API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from insights.imports.jobs import import_job_confirm_mapping, import_job_run
from segments.models import CustomEvent
from segments.selectors.segments import segment_count
from segments.services.rfm import rfm_compute
from tests.insights.conftest import upload_file
from tests.insights.imports.member_files import ORDERS
from tests.segments.crm_world import NOW

pytestmark = pytest.mark.django_db


def test_orders_become_purchase_events_once_per_order(world, account):
    job = upload_file(account, ORDERS.encode("cp932"), "orders.csv", report="orders")
    assert job.status == "succeeded", (job.failure_code, job.errors)
    assert (job.report, job.inserted, job.unchanged, job.unknown) == ("orders", 2, 0, 1)
    assert (job.date_from, job.date_to) == (date(2025, 6, 1), date(2025, 6, 2))
    first = CustomEvent.unscoped.get(account=account, idempotency_key="order:A-1")
    assert (first.name, first.amount, first.currency, first.source) == (
        "purchase",
        Decimal("1200.00"),
        "JPY",
        "import",
    )
    assert first.properties == {"store": "Shibuya"}
    assert first.occurred_at.isoformat() == "2025-06-01T01:30:00+00:00"  # 10:30 in Tokyo
    assert job.unknown_file.read().decode("utf-8-sig").splitlines() == ["row,会員ID", "4,M404"]
    again = upload_file(account, ORDERS.encode("cp932"), "orders.csv", report="orders")
    assert (again.inserted, again.unchanged, again.unknown) == (0, 2, 1)
    assert CustomEvent.unscoped.filter(account=account, source="import").count() == 2


def test_orders_are_detected_from_their_header(world, account):
    job = upload_file(account, ORDERS.encode("utf-8"), "orders.csv")
    assert (job.status, job.report) == ("succeeded", "orders")


def test_orders_without_a_currency_column_ask_for_the_currency(world, account):
    content = "member id,order id,order date,amount\nM1,B-1,2025-06-01,100\n"
    job = upload_file(account, content, "o.csv", report="orders")
    assert job.status == "needs_mapping"
    mapping = {
        "member id": "member_id",
        "order id": "order_id",
        "order date": "occurred_at",
        "amount": "amount",
    }
    with pytest.raises(ValidationError, match="Currency"):
        import_job_confirm_mapping(job=job, report="orders", mapping=mapping, options={})
    import_job_confirm_mapping(
        job=job, report="orders", mapping=mapping, options={"currency": "THB"}
    )
    import_job_run(job_id=job.pk)
    assert CustomEvent.unscoped.get(idempotency_key="order:B-1").currency == "THB"


def test_bad_order_rows_are_reported_per_row(world, account):
    content = (
        "member id,order id,order date,amount,currency\n"
        "M1,B-1,2025-06-01,100,JPY\n"
        "M1,B-2,yesterday,100,JPY\n"
        "M1,,2025-06-01,lots,JPY\n"
        "M1,B-4,2025-06-01,9999999999999,¥\n"
        "M1,B-1,2025-06-03,5,JPY\n"
    )
    job = upload_file(account, content, "o.csv", report="orders")
    assert job.failure_code == "rows_rejected"
    assert {(e["row"], e["column"], e["code"]) for e in job.errors} == {
        (3, "order date", "not_a_datetime"),
        (4, "order id", "missing"),
        (4, "amount", "not_a_number"),
        (5, "amount", "amount_range"),
        (5, "currency", "not_a_currency"),
        (6, "order id", "duplicate"),
    }
    assert not CustomEvent.unscoped.filter(idempotency_key="order:B-1").exists()
    skipped = upload_file(account, content, "o.csv", report="orders", skip_bad_rows=True)
    assert (skipped.inserted, skipped.rejected) == (1, 4)


def test_imported_orders_feed_event_segments_and_rfm(world, account, scope):
    rule = {
        "field": "event",
        "op": "did",
        "value": {"name": "purchase", "within_days": 30, "min_count": 2},
    }
    before = segment_count(account=account, rules={"all": [rule]}, now=NOW).count
    d = world.friends["D"]
    content = (
        "line user id,order id,ordered at,amount,currency\n"
        f"{d.line_user_id},X-1,2025-06-10T09:00:00+09:00,5000,JPY\n"
        f"{d.line_user_id},X-2,2025-06-12T09:00:00+09:00,7000,JPY\n"
    )
    job = upload_file(account, content, "o.csv", report="orders")
    assert job.inserted == 2
    assert segment_count(account=account, rules={"all": [rule]}, now=NOW).count == before + 1
    rfm_compute(account=account, now=NOW)
    from segments.models import RfmScore

    assert RfmScore.unscoped.get(friend=d).m == 5, "D spent the most in the last year"


# Pages -----------------------------------------------------------------------------------------


def test_orders_through_the_api_report_unknown_customers(world, workspace, account):
    from tests.insights.api.test_imports import api_client

    client = api_client(workspace)
    response = client.post(
        f"/api/v1/accounts/{account.pk}/imports/",
        {"file": SimpleUploadedFile("o.csv", ORDERS.encode()), "report": "orders"},
    )
    assert response.status_code == 202, response.content
    job_id = response.json()["id"]
    import_job_run(job_id=job_id)
    detail = client.get(f"/api/v1/accounts/{account.pk}/imports/{job_id}/").json()
    assert (detail["status"], detail["report"], detail["inserted"], detail["unknown"]) == (
        "succeeded",
        "orders",
        2,
        1,
    )
    refused = client.post(
        f"/api/v1/accounts/{account.pk}/imports/",
        {"file": SimpleUploadedFile("o.csv", ORDERS.encode()), "report": "receipts"},
    )
    assert refused.status_code == 400
    assert "report" in refused.json()["error"]["fields"]
