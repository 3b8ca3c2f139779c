"""The rich menu targeting API: rules CRUD with field errors, an assignment and its progress,
and the taps, as an API client sees them (and the OpenAPI schema lists them)."""

from django.utils import timezone

from richmenus.models import RichMenuAssignment, RichMenuTap
from tests.richmenus.conftest import make_menu, make_tag, tag_segment
from tests.segments.factories import FriendFactory


def _base(account):
    return f"/api/v1/accounts/{account.pk}/rich-menus/"


def test_rules_crud(account, owner_client, scope):
    menu = make_menu(account, "Gold", "richmenu-gold1")
    segment = tag_segment(account, make_tag(account, "gold"), "Gold")
    url = _base(account) + "segment-rules/"
    refused = owner_client.post(
        url, {"kind": "segment", "menu_id": menu.pk}, content_type="application/json"
    )
    assert refused.status_code == 400 and "segment" in refused.json()["error"]["fields"]
    created = owner_client.post(
        url,
        {"kind": "segment", "segment_id": segment.pk, "menu_id": menu.pk, "priority": 3},
        content_type="application/json",
    )
    assert created.status_code == 201
    rule = created.json()
    assert (rule["segment_id"], rule["priority"], rule["friends_linked"]) == (segment.pk, 3, 0)
    listed = owner_client.get(url).json()
    assert [r["id"] for r in listed["results"]] == [rule["id"]]
    detail = f"{url}{rule['id']}/"
    changed = owner_client.put(
        detail,
        {"segment_id": segment.pk, "menu_id": menu.pk, "priority": 1, "is_active": False},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["is_active"] is False
    assert owner_client.delete(detail).status_code == 204
    assert owner_client.get(detail).status_code == 404


def test_other_tenants_rule_is_a_404(account, other_account, owner_client, scope):
    assert owner_client.get(_base(other_account) + "segment-rules/").status_code == 404


def test_assignment_start_and_progress(account, owner_client, scope):
    started = owner_client.post(_base(account) + "segment-rules/assignments/")
    assert started.status_code == 202
    run = started.json()
    assert run["status"] == RichMenuAssignment.Status.PENDING
    progress = owner_client.get(f"{_base(account)}segment-rules/assignments/{run['id']}/")
    assert progress.status_code == 200 and progress.json()["percent"] == 0


def test_taps(account, owner_client, scope):
    menu = make_menu(account, "Gold", "richmenu-gold1", areas=[{"type": "postback", "data": "x"}])
    friend = FriendFactory(account=account)
    RichMenuTap.objects.for_account(account).create(
        account=account,
        menu=menu,
        area=menu.areas.get(),
        friend=friend,
        kind="postback",
        tapped_at=timezone.now(),
    )
    body = owner_client.get(_base(account) + "taps/", {"days": 7}).json()
    assert [row["taps"] for row in body["per_day"]] == [1]
    assert body["per_area"][0]["postbacks"] == 1
    assert owner_client.get(_base(account) + "taps/", {"days": 5}).status_code == 400


def test_schema_lists_the_operations(owner_client):
    schema = owner_client.get("/api/v1/schema/").content.decode()
    for path in ("rich-menus/segment-rules/", "rich-menus/taps/", "segment-rules/assignments/"):
        assert path in schema
