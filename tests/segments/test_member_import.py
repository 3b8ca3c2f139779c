"""Member data import: key by LINE user id or member id, built-in and typed custom attributes,
unknown ids reported (never created), a bad cell rejects the whole file."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from segments.member_import import MemberImportError, member_import
from segments.models import (
    AttributeDefinition,
    CustomEvent,
    Friend,
    FriendAttribute,
    FriendTag,
    Tag,
    TagRule,
)
from tests.conftest import client_for
from tests.segments.crm_world import build_crm_world


@pytest.fixture
def world(account):
    return build_crm_world(account)


def values(friend, key):
    row = FriendAttribute.unscoped.get(friend=friend, definition__key=key)
    return {
        "text": row.value_text,
        "number": row.value_number,
        "date": row.value_date,
        "boolean": row.value_bool,
    }[row.definition.type]


@pytest.mark.django_db
def test_keyed_by_line_user_id_with_builtin_and_new_typed_attributes(world, account):
    csv_text = (
        "LINE user ID,会員ID,性別,Birthday,Region,Tier,Spend,Joined,VIP,Favourite colour\n"
        f'{world.friends["C"].line_user_id},M3,女性,1999/04/01,jp_14,bronze,"1,200",2024-05-01,yes,blue\n'
        f"{world.friends['D'].line_user_id},M4,male,2001-12-24,,,300.5,2024-06-01,no,\n"
        f"U{'0' * 32},M9,female,,,,1,2024-01-01,no,red\n"
    )
    result = member_import(account=account, content=csv_text.encode("cp932"))
    assert (result.key, result.rows, result.updated, result.unknown) == ("line_user_id", 3, 2, 1)
    assert result.unknown_ids == [f"U{'0' * 32}"]
    assert dict(result.attributes_created) == {
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
    assert values(world.friends["D"], "spend") == Decimal("300.5")
    assert not Friend.unscoped.filter(line_user_id=f"U{'0' * 32}").exists()


@pytest.mark.django_db
def test_keyed_by_member_id_updates_existing_attributes_with_their_type(world, account):
    csv_text = "member_id,points,city,add source\nM1,2500,Nagoya,qr_summer\n"
    tag = Tag.unscoped.create(account=account, name="summer")
    TagRule.unscoped.create(account=account, tag=tag, kind="add_source", pattern="qr_summer")
    result = member_import(account=account, content=csv_text.encode())
    assert (result.key, result.updated) == ("member_id", 1)
    a = world.friends["A"]
    assert values(a, "points") == Decimal("2500")  # replaced, still a number
    assert values(a, "city") == "Nagoya"
    assert FriendTag.unscoped.get(tag=tag).friend_id == a.pk  # add-source rule ran
    assert AttributeDefinition.unscoped.filter(account=account).count() == 4  # none created


@pytest.mark.django_db
def test_a_bad_cell_rejects_the_whole_file(world, account):
    csv_text = (
        "member_id,points,gender,birthday\n"
        "M1,12,female,1990-01-01\n"
        "M1,13,female,1990-01-01\n"
        ",1,female,\n"
        "M2,many,robot,2990-01-01\n"
    )
    with pytest.raises(MemberImportError) as raised:
        member_import(account=account, content=csv_text.encode())
    problems = {(e["row"], e["column"]) for e in raised.value.errors}
    assert problems == {
        (3, "member_id"),
        (4, "member_id"),
        (5, "points"),
        (5, "gender"),
        (5, "birthday"),
    }
    assert values(world.friends["A"], "points") == Decimal("1500")  # untouched


@pytest.mark.django_db
def test_a_file_without_an_id_column_is_refused(world, account):
    with pytest.raises(MemberImportError, match="LINE user ID or the member ID"):
        member_import(account=account, content=b"name,points\nx,1\n")


@pytest.mark.django_db
def test_page_shows_result_and_problems(marketer, viewer, world, account):
    url = f"/w/alpha/oa/{account.slug}/friends/import/"
    client = client_for(marketer)
    assert client.get(url).status_code == 200
    good = SimpleUploadedFile("members.csv", b"member_id,tier\nM1,platinum\n", "text/csv")
    response = client.post(url, {"kind": "members", "members-file": good})
    assert 'data-testid="import-result"' in response.content.decode()
    bad = SimpleUploadedFile("members.csv", b"member_id,birthday\nM1,soon\n", "text/csv")
    response = client.post(url, {"kind": "members", "members-file": bad})
    assert response.status_code == 400
    assert "not a past date" in response.content.decode()
    assert client_for(viewer).get(url).status_code == 403


@pytest.mark.django_db
def test_orders_become_purchase_events_once_per_order(world, account):
    from segments.order_import import orders_import

    csv_text = (
        "会員ID,注文番号,注文日時,合計金額,store\n"
        'M1,A-1,2025/06/01 10:30,"1,200",Shibuya\n'
        "M1,A-2,2025-06-02,800,Online\n"
        "M404,A-3,2025-06-02,100,Online\n"
    )
    result = orders_import(account=account, content=csv_text.encode("cp932"))
    assert (result.rows, result.stored, result.duplicates, result.unknown) == (3, 2, 0, 1)
    assert result.unknown_ids == ["M404"]
    first = CustomEvent.unscoped.get(account=account, idempotency_key="order:A-1")
    assert (first.name, first.amount, first.currency, first.source) == (
        "purchase",
        Decimal("1200.00"),
        "JPY",
        "import",
    )
    assert first.properties == {"store": "Shibuya"}
    assert first.occurred_at.isoformat() == "2025-06-01T01:30:00+00:00"  # 10:30 in Tokyo
    again = orders_import(account=account, content=csv_text.encode("cp932"))
    assert (again.stored, again.duplicates) == (0, 2)


@pytest.mark.django_db
def test_a_bad_order_row_rejects_the_file(world, account):
    from segments.order_import import orders_import

    csv_text = (
        "member id,order id,order date,amount\n"
        "M1,B-1,2025-06-01,100\n"
        "M1,B-2,yesterday,100\n"
        "M1,,2025-06-01,lots\n"
    )
    with pytest.raises(MemberImportError) as raised:
        orders_import(account=account, content=csv_text.encode())
    assert {(e["row"], e["column"]) for e in raised.value.errors} == {
        (3, "order date"),
        (4, "order id"),
        (4, "amount"),
    }
    assert not CustomEvent.unscoped.filter(idempotency_key="order:B-1").exists()
