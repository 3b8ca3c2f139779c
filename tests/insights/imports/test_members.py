"""Member data as a type of the Imports page, end to end through the job pipeline (upload ->
mapping step -> worker run -> summary): key by LINE user id or member id, built-in and typed
custom attributes, per-row coercion errors, unknown ids reported (never created), idempotent
re-import, remembered mappings, progress."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from insights.imports import run as import_run
from insights.imports.jobs import import_job_confirm_mapping, import_job_delete, import_job_run
from insights.imports.messages import failure_message, row_error_message
from insights.models import ImportJob
from segments.models import AttributeDefinition, Friend, FriendAttribute, FriendTag, Tag, TagRule
from tests.insights.conftest import upload_file
from tests.insights.imports.member_files import (
    FULL,
    FULL_MAPPING,
    UNKNOWN,
    full_file,
    import_members,
    refreshed,
    values,
)

pytestmark = pytest.mark.django_db


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
