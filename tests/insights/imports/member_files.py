"""Member data files and the helpers that import them the way the mapping step and the worker do
(shared by the member data and orders tests)."""

from __future__ import annotations

from insights.imports.jobs import import_job_confirm_mapping, import_job_run
from insights.models import ImportJob
from segments.models import FriendAttribute
from tests.insights.conftest import upload_file

UNKNOWN = f"U{'0' * 32}"


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


ORDERS = (
    "会員ID,注文番号,注文日時,合計金額,通貨,store\n"
    'M1,A-1,2025/06/01 10:30,"1,200",JPY,Shibuya\n'
    "M1,A-2,2025-06-02,800,JPY,Online\n"
    "M404,A-3,2025-06-02,100,JPY,Online\n"
)
