"""Member data and orders as types of the Imports page, end to end through the job pipeline
(upload → mapping step → worker run → summary): key by LINE user id or member id, built-in and
typed custom attributes, per-row coercion errors, unknown ids reported (never created),
idempotent re-import, remembered mappings, progress; orders become purchase events once per
order id and feed segments and RFM."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from insights.imports import run as import_run
from insights.imports.jobs import import_job_confirm_mapping, import_job_delete, import_job_run
from insights.imports.messages import failure_message, row_error_message
from insights.models import ImportJob
from segments.models import (
    AttributeDefinition,
    CustomEvent,
    Friend,
    FriendAttribute,
    FriendTag,
    Tag,
    TagRule,
)
from segments.rfm import rfm_compute
from segments.segment_selectors import segment_count
from tests.insights.conftest import upload_file
from tests.segments.crm_world import NOW, build_crm_world

pytestmark = pytest.mark.django_db
UNKNOWN = f"U{'0' * 32}"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(account):
    return build_crm_world(account)


@pytest.fixture(params=["set-based", "generic"])
def apply_path(request, monkeypatch):
    """Saving member data has a PostgreSQL path and a generic one; both must agree."""
    from insights.imports.members import apply as member_apply

    if request.param == "generic":
        monkeypatch.setattr(member_apply, "set_based", lambda: False)
    return request.param


def values(friend, key):
    row = FriendAttribute.unscoped.get(friend=friend, definition__key=key)
    return {
        "text": row.value_text,
        "number": row.value_number,
        "date": row.value_date,
        "boolean": row.value_bool,
    }[row.definition.type]


def refreshed(job) -> ImportJob:
    return ImportJob.unscoped.get(pk=job.pk)


def import_members(
    account, content, mapping, *, key="line_user_id", remember=False, **options
) -> ImportJob:
    """Upload as member data, confirm the mapping as the mapping step does, run the worker."""
    job = upload_file(account, content, "members.csv", report="members", **options)
    assert job.status == ImportJob.Status.NEEDS_MAPPING, "member data always asks first"
    import_job_confirm_mapping(
        job=job, report="members", mapping=mapping, options={"key": key}, remember=remember
    )
    import_job_run(job_id=job.pk)
    return refreshed(job)


FULL = (
    "LINE user ID,会員ID,性別,Birthday,Region,Tier,Spend,Joined,VIP,Favourite colour\n"
    '{C},M3,女性,1999/04/01,jp_14,bronze,"1,200",2024-05-01,yes,blue\n'
    "{D},M4,male,2001-12-24,,,300.5,2024-06-01,no,\n"
    "{unknown},M9,female,,,,1,2024-01-01,no,red\n"
)
FULL_MAPPING = {
    "LINE user ID": "line_user_id",
    "会員ID": "member_id",
    "性別": "gender",
    "Birthday": "birthday",
    "Region": "region",
    "Tier": "member_tier",
    "Spend": "attribute:number:spend",
    "Joined": "attribute:date:joined",
    "VIP": "attribute:boolean:vip",
    "Favourite colour": "attribute:text:favourite_colour",
}


def full_file(world) -> bytes:
    return FULL.format(
        C=world.friends["C"].line_user_id, D=world.friends["D"].line_user_id, unknown=UNKNOWN
    ).encode("cp932")


def test_keyed_by_line_user_id_with_builtin_and_new_typed_attributes(world, account, apply_path):
    job = import_members(account, full_file(world), FULL_MAPPING)
    assert job.status == "succeeded", (job.failure_code, job.errors)
    assert (job.report, job.rows_read, job.updated, job.unchanged, job.unknown) == (
        "members",
        3,
        2,
        0,
        1,
    )
    assert job.encoding == "cp932"
    types = dict(
        AttributeDefinition.unscoped.filter(
            account=account, key__in=["spend", "joined", "vip", "favourite_colour"]
        ).values_list("key", "type")
    )
    assert types == {
        "spend": "number",
        "joined": "date",
        "vip": "boolean",
        "favourite_colour": "text",
    }
    c = Friend.unscoped.get(pk=world.friends["C"].pk)
    assert (c.member_id, c.gender, c.birthday, c.region, c.member_tier) == (
        "M3",
        "female",
        date(1999, 4, 1),
        "jp_14",
        "bronze",
    )
    assert values(c, "spend") == Decimal("1200")
    assert values(c, "joined") == date(2024, 5, 1)
    assert values(c, "vip") is True
    assert values(c, "favourite_colour") == "blue"
    d = Friend.unscoped.get(pk=world.friends["D"].pk)
    assert values(d, "spend") == Decimal("300.5")
    assert d.region == "" and d.member_tier == "", "a blank cell leaves the value as it was"
    assert not Friend.unscoped.filter(line_user_id=UNKNOWN).exists(), "never created"
    unknown = job.unknown_file.read().decode("utf-8-sig").splitlines()
    assert unknown == ["row,LINE user ID", f"4,{UNKNOWN}"]
    assert not job.file, "the upload is removed once imported"


def test_re_import_is_idempotent(world, account, apply_path):
    import_members(account, full_file(world), FULL_MAPPING)
    again = import_members(account, full_file(world), FULL_MAPPING)
    assert again.status == "succeeded"
    assert (again.updated, again.unchanged, again.unknown) == (0, 2, 1)
    assert FriendAttribute.unscoped.filter(definition__key="spend").count() == 2
    changed = FULL.replace("300.5", "301").format(
        C=world.friends["C"].line_user_id, D=world.friends["D"].line_user_id, unknown=UNKNOWN
    )
    third = import_members(account, changed.encode("cp932"), FULL_MAPPING)
    assert (third.updated, third.unchanged) == (1, 1)
    assert values(world.friends["D"], "spend") == Decimal("301")


def test_keyed_by_member_id_updates_existing_attributes_with_their_type(world, account, apply_path):
    tag = Tag.unscoped.create(account=account, name="summer")
    TagRule.unscoped.create(account=account, tag=tag, kind="add_source", pattern="qr_summer")
    job = import_members(
        account,
        "member_id,points,city,add source\nM1,2500,Nagoya,qr_summer\n",
        {
            "member_id": "member_id",
            "points": "attribute:number:points",
            "city": "attribute:text:city",
            "add source": "add_source",
        },
        key="member_id",
    )
    assert (job.status, job.updated) == ("succeeded", 1)
    a = world.friends["A"]
    assert values(a, "points") == Decimal("2500")  # replaced, still a number
    assert values(a, "city") == "Nagoya"
    assert FriendTag.unscoped.get(tag=tag).friend_id == a.pk  # the add-source rule ran
    assert AttributeDefinition.unscoped.filter(account=account).count() == 4  # none created


def test_member_ids_tie_to_line_user_ids_and_may_move(world, account, apply_path):
    a, c, d = world.friends["A"], world.friends["C"], world.friends["D"]
    mapping = {"user id": "line_user_id", "member id": "member_id", "tier": "member_tier"}
    # M1 moves from A to C; A keeps its other changes; D gets a new member id.
    job = import_members(
        account,
        f"user id,member id,tier\n{c.line_user_id},M1,\n{a.line_user_id},,platinum\n"
        f"{d.line_user_id},M7,\n",
        mapping,
    )
    assert job.status == "succeeded", (job.failure_code, job.errors)
    assert Friend.unscoped.get(pk=c.pk).member_id == "M1"
    assert (Friend.unscoped.get(pk=a.pk).member_id, Friend.unscoped.get(pk=a.pk).member_tier) == (
        "",
        "platinum",
    )
    assert Friend.unscoped.get(pk=d.pk).member_id == "M7"
    # Two friends of one file cannot get the same member id.
    twice = import_members(
        account, f"user id,member id\n{a.line_user_id},M9\n{d.line_user_id},M9\n", mapping
    )
    assert twice.failure_code == "rows_rejected"
    assert [row_error_message(e) for e in twice.errors] == [
        "row 3, column member id: the same member id already appears in row 2"
    ]


def test_typed_coercion_errors_are_reported_per_row_and_nothing_is_saved(world, account):
    content = (
        "member_id,points,gender,birthday,newsletter,signup\n"
        "M1,12,female,1990-01-01,yes,2024-01-01\n"
        "M1,13,female,1990-01-01,no,2024-01-01\n"
        ",1,female,,,\n"
        "M2,many,robot,2990-01-01,perhaps,someday\n"
    )
    mapping = {
        "member_id": "member_id",
        "points": "attribute:number:points",
        "gender": "gender",
        "birthday": "birthday",
        "newsletter": "attribute:boolean:newsletter",
        "signup": "attribute:date:signup",
    }
    job = import_members(account, content, mapping, key="member_id")
    assert (job.status, job.failure_code) == ("failed", "rows_rejected")
    assert {(e["row"], e["column"], e["code"]) for e in job.errors} == {
        (3, "member_id", "duplicate"),
        (4, "member_id", "missing"),
        (5, "points", "not_a_number"),
        (5, "gender", "not_a_gender"),
        (5, "birthday", "not_a_past_date"),
        (5, "newsletter", "not_yes_no"),
        (5, "signup", "not_a_date"),
    }
    messages = [row_error_message(e) for e in job.errors]
    assert "row 5, column points: “many” is not a number" in messages
    assert "row 3, column member_id: the same member_id already appears in row 2" in messages
    assert values(world.friends["A"], "points") == Decimal("1500"), "nothing was saved"

    skipped = import_members(account, content, mapping, key="member_id", skip_bad_rows=True)
    assert (skipped.status, skipped.updated, skipped.rejected) == ("succeeded", 1, 3)
    assert values(world.friends["A"], "points") == Decimal("12")
    assert "row 5, column gender: “robot” is not a gender" in skipped.skipped_file.read().decode(
        "utf-8-sig"
    )


def test_mapping_is_checked_when_confirmed(world, account):
    job = upload_file(account, "member,points\nM1,3\n", "m.csv", report="members")
    with pytest.raises(ValidationError, match="the ID that matches friends"):
        import_job_confirm_mapping(
            job=job, report="members", mapping={"points": "attribute:number:points"}, options={}
        )
    with pytest.raises(ValidationError, match="Member ID"):
        import_job_confirm_mapping(
            job=job,
            report="members",
            mapping={"points": "attribute:number:points"},
            options={"key": "member_id"},
        )
    assert refreshed(job).status == "needs_mapping"


def test_an_attribute_retyped_after_the_mapping_stops_the_file(world, account):
    job = upload_file(account, "member_id,level\nM1,3\n", "m.csv", report="members")
    import_job_confirm_mapping(
        job=job,
        report="members",
        mapping={"member_id": "member_id", "level": "attribute:number:level"},
        options={"key": "member_id"},
    )
    AttributeDefinition.unscoped.create(account=account, key="level", label="Level", type="text")
    import_job_run(job_id=job.pk)
    job = refreshed(job)
    assert job.failure_code == "attribute_type"
    assert "“level” is a Text attribute now" in failure_message(
        job.failure_code, job.failure_params
    )


def test_a_remembered_mapping_runs_the_next_file_without_asking(world, account):
    mapping = {"member_id": "member_id", "tier": "member_tier"}
    import_members(
        account, "member_id,tier\nM1,platinum\n", mapping, key="member_id", remember=True
    )
    again = upload_file(account, "member_id,tier\nM1,diamond\n", "m2.csv", report="members")
    assert again.status == "succeeded", "same header: the remembered mapping and key apply"
    assert again.options == {"key": "member_id"}
    assert Friend.unscoped.get(pk=world.friends["A"].pk).member_tier == "diamond"


def test_member_data_is_never_detected_without_being_asked_for(world, account):
    job = upload_file(account, "member_id,tier\nM1,platinum\n", "m.csv")
    assert job.status == "needs_mapping"
    assert Friend.unscoped.get(pk=world.friends["A"].pk).member_tier == "gold"


def test_progress_is_reported_while_a_large_file_is_read(world, account, monkeypatch):
    monkeypatch.setattr(import_run, "PROGRESS_EVERY", timedelta(0))
    seen: list[tuple[int, int, int]] = []
    original = import_run.ImportRun._progress

    def spy(self, bytes_read, **kwargs):
        original(self, bytes_read, **kwargs)
        job = refreshed(self.job)
        seen.append((job.rows_read, job.bytes_read, job.progress_percent))

    monkeypatch.setattr(import_run.ImportRun, "_progress", spy)
    body = "".join(f"U{i:032x},tier{i % 5}\n" for i in range(60_000))
    job = import_members(
        account,
        "user id,tier\n" + body,
        {"user id": "line_user_id", "tier": "member_tier"},
    )
    assert job.status == "succeeded"
    assert [rows for rows, _bytes, _pct in seen] == [50_000, 60_000]
    assert 0 < seen[0][1] < seen[1][1] <= job.size_bytes
    assert all(0 < pct <= 90 for _rows, _bytes, pct in seen)
    assert (job.unknown, job.updated) == (60_000, 0)


def test_deleting_a_member_import_keeps_the_data(world, account):
    job = import_members(
        account,
        "member_id,tier\nM1,platinum\n",
        {"member_id": "member_id", "tier": "member_tier"},
        key="member_id",
    )
    import_job_delete(job=job)
    assert not ImportJob.unscoped.filter(pk=job.pk).exists()
    assert Friend.unscoped.get(pk=world.friends["A"].pk).member_tier == "platinum"


# Orders ----------------------------------------------------------------------------------------

ORDERS = (
    "会員ID,注文番号,注文日時,合計金額,通貨,store\n"
    'M1,A-1,2025/06/01 10:30,"1,200",JPY,Shibuya\n'
    "M1,A-2,2025-06-02,800,JPY,Online\n"
    "M404,A-3,2025-06-02,100,JPY,Online\n"
)


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


def test_orders_through_the_api_report_unknown_customers(world, workspace, account):
    from tests.insights.test_api import api_client

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
