"""The segment builder page without a browser: actions on the tree, the live preview with
errors beside conditions, save / rename / duplicate / delete, CSV export, roles."""

from __future__ import annotations

import csv
import io

import pytest

from segments.models import Friend, Segment
from segments.rules.validation import RuleContext
from segments.views.builder import rules_from_form
from segments.views.builder_tree import ui_tree
from tests.conftest import client_for
from tests.segments.crm_world import build_crm_world

HTMX = {"HTTP_HX_REQUEST": "true"}


def c(field, op, value):
    return {"field": field, "op": op, "value": value}


@pytest.fixture
def world(account):
    return build_crm_world(account)


@pytest.fixture
def urls(account):
    base = f"/w/alpha/oa/{account.slug}/friends/segments/"
    return {"list": base, "new": base + "new/"}


def form(**fields) -> dict:
    data = {"name": "", "n:type": "all"}
    data.update({key.replace("__", ":").replace("_", "-"): value for key, value in fields.items()})
    return data


def tag_condition(world, tag="vip") -> dict:
    return {
        "n-0:type": "cond",
        "n-0:field": "tag",
        "n-0:shown_field": "tag",
        "n-0:op": "has",
        "n-0:value": str(world.tags[tag].pk),
    }


@pytest.mark.django_db
def test_form_round_trips_every_saved_tree(world, scope):
    context = RuleContext.for_account(world.account)
    rules = {
        "all": [
            c("tag", "has_all", [world.tags["vip"].pk, world.tags["news"].pk]),
            {"not": {"any": [c("age", "between", [20, 30]), c("status", "eq", "blocked")]}},
            {
                "not": c(
                    "event",
                    "did",
                    {
                        "name": "purchase",
                        "within_days": 30,
                        "min_count": 2,
                        "where": {"gift": True},
                    },
                )
            },
            {"any": [c("rfm", "scores", {"r": [4, 5]}), c("attribute.signup", "eq", "2025-06-01")]},
            c("attribute.city", "in", ["Tokyo", "Osaka"]),
            c("followed_at", "between", ["2025-01-01", "2025-02-01"]),
        ]
    }
    data = {}

    def emit(node):
        if node.is_group:
            data[f"{node.path}:type"] = node.kind
            for child in node.children:
                emit(child)
            return
        data.update(
            {
                f"{node.path}:type": "cond",
                f"{node.path}:field": node.field_name,
                f"{node.path}:shown_field": node.field_name,
                f"{node.path}:op": node.op,
            }
        )
        if node.widget == "event":
            event = node.event
            data.update(
                {
                    f"{node.path}:event_name": event["name"],
                    f"{node.path}:within_days": str(event["within_days"]),
                    f"{node.path}:min_count": str(event["min_count"]),
                    f"{node.path}:prop_key": event["prop_key"],
                    f"{node.path}:prop_value": event["prop_value"],
                }
            )
        elif node.widget == "scores":
            for letter, low, high in node.scores:
                data[f"{node.path}:{letter}_low"] = str(low)
                data[f"{node.path}:{letter}_high"] = str(high)
        elif node.widget in ("number_pair", "date_pair"):
            data[f"{node.path}:value"], data[f"{node.path}:value2"] = map(str, node.value)
        elif node.widget == "text_list":
            data[f"{node.path}:value"] = node.joined
        elif isinstance(node.value, list):
            data[f"{node.path}:value"] = node.listed
        else:
            data[f"{node.path}:value"] = node.text

    emit(ui_tree(rules, context=context, tags=[]))
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list):
            query.setlist(key, value)
        else:
            query[key] = value
    parsed = rules_from_form(query, context=context)
    assert parsed.rules == rules
    assert parsed.paths["$.all[1].not.any[0]"] == "n-1-0"
    assert parsed.paths["$.all[2].not"] == "n-2-0"


@pytest.mark.django_db
def test_new_page_shows_everyone_following_by_default(owner, world, urls):
    page = client_for(owner).get(urls["new"])
    assert page.status_code == 200
    # The out-of-band partials (error slots, the preview's oob copy) come only with htmx answers.
    assert "hx-swap-oob" not in page.content.decode()
    body = page.content.decode()
    assert 'data-testid="segment-count">3<' in body
    assert 'data-testid="segment-reachable">3<' in body
    assert "Friend A" in body


@pytest.mark.django_db
def test_actions_add_nest_and_remove_without_saving(owner, world, urls):
    client = client_for(owner)
    data = form(**{}) | tag_condition(world) | {"action": "add-group:n"}
    response = client.post(urls["new"], data, HTTP_HX_TARGET="rule-tree", **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-path="n-1"' in body and 'data-path="n-1-0"' in body  # the new nested group
    assert 'id="segment-preview"' in body and 'hx-swap-oob="true"' in body
    # vip (A, D) and following (A, C, D): 2
    assert 'data-testid="segment-count">2<' in body

    nested = data | {
        "n-1:type": "any",
        "n-1-0:type": "cond",
        "n-1-0:field": "status",
        "n-1-0:shown_field": "status",
        "n-1-0:op": "eq",
        "n-1-0:value": "blocked",
    }
    nested["action"] = "remove:n-0"
    response = client.post(urls["new"], nested, HTTP_HX_TARGET="rule-tree", **HTMX)
    body = response.content.decode()
    assert 'data-path="n-1"' not in body  # renumbered: the nested group is now n-0
    assert 'data-testid="segment-count">1<' in body  # B, the only blocked friend
    assert not Segment.unscoped.exists()


@pytest.mark.django_db
def test_changing_the_field_resets_operator_and_value(owner, world, urls):
    data = form() | {
        "n-0:type": "cond",
        "n-0:field": "gender",
        "n-0:shown_field": "status",
        "n-0:op": "eq",
        "n-0:value": "following",
        "action": "",
    }
    body = client_for(owner).post(urls["new"], data, HTTP_HX_TARGET="rule-tree", **HTMX)
    text = body.content.decode()
    assert '<option value="female" selected>' in text
    assert 'data-testid="segment-count">1<' in text  # A


@pytest.mark.django_db
def test_preview_puts_errors_beside_their_conditions(owner, world, urls):
    data = form() | {
        "n-0:type": "all",
        "n-0-3:type": "cond",
        "n-0-3:field": "age",
        "n-0-3:shown_field": "age",
        "n-0-3:op": "gte",
        "n-0-3:value": "old",
    }
    response = client_for(owner).post(urls["new"], data, HTTP_HX_TARGET="segment-preview", **HTMX)
    body = response.content.decode()
    assert 'data-testid="preview-invalid"' in body
    assert (
        '<small id="error-n-0-3" class="field-error" role="alert" hx-swap-oob="true">'
        "Expected a whole number.</small>" in body
    )
    assert (
        '<small id="error-n-0" class="field-error" role="alert" hx-swap-oob="true"></small>' in body
    )


@pytest.mark.django_db
def test_save_rename_duplicate_delete(owner, world, urls, account):
    client = client_for(owner)
    data = form(name="VIPs") | tag_condition(world) | {"action": "save"}
    response = client.post(urls["new"], data)
    segment = Segment.unscoped.get(account=account)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/segments/{segment.pk}/")
    assert segment.rules == {"all": [c("tag", "has", world.tags["vip"].pk)]}
    edit_url = response["Location"]

    page = client.get(edit_url).content.decode()
    assert 'value="VIPs"' in page and 'data-testid="segment-count">2<' in page

    client.post(edit_url, data | {"name": "Top friends"})
    segment.refresh_from_db()
    assert segment.name == "Top friends"

    clash = client.post(urls["new"], data | {"name": "Top friends"})
    assert clash.status_code == 400
    assert "A segment with this name already exists." in clash.content.decode()

    copy = client.post(urls["list"] + f"{segment.pk}/duplicate/")
    assert Segment.unscoped.filter(name="Top friends (copy)").exists()
    assert copy.status_code == 302

    client.post(urls["list"] + f"{segment.pk}/delete/")
    assert list(Segment.unscoped.values_list("name", flat=True)) == ["Top friends (copy)"]
    listing = client.get(urls["list"]).content.decode()
    assert "Top friends (copy)" in listing


@pytest.mark.django_db
def test_invalid_rules_are_not_saved(owner, world, urls):
    data = form(name="Broken") | {
        "n-0:type": "cond",
        "n-0:field": "message_count",
        "n-0:shown_field": "message_count",
        "n-0:op": "gt",
        "n-0:value": "",
        "action": "save",
    }
    response = client_for(owner).post(urls["new"], data)
    assert response.status_code == 400
    assert "Expected a whole number." in response.content.decode()
    assert not Segment.unscoped.exists()


@pytest.mark.django_db
def test_export_lists_members_and_defuses_formulas(owner, world, urls, account):
    Friend.unscoped.filter(pk=world.friends["D"].pk).update(display_name="=HYPERLINK(1)")
    segment = Segment.unscoped.create(
        account=account, name="VIP", rules=c("tag", "has", world.tags["vip"].pk)
    )
    response = client_for(owner).get(urls["list"] + f"{segment.pk}/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert sorted(row["display_name"] for row in rows) == ["'=HYPERLINK(1)", "Friend A"]
    assert {row["member_id"] for row in rows} == {"M1", ""}


@pytest.mark.django_db
def test_viewer_sees_but_cannot_save(viewer, world, urls):
    client = client_for(viewer)
    page = client.get(urls["new"]).content.decode()
    assert 'data-testid="save-segment"' not in page
    data = form(name="Nope") | tag_condition(world) | {"action": "save"}
    assert client.post(urls["new"], data).status_code == 403


@pytest.mark.django_db
def test_builder_opens_with_rules_from_the_query_string(owner, world, urls):
    import json

    rules = json.dumps(c("rfm", "in_cells", ["champions"]))
    page = client_for(owner).get(urls["new"], {"rules": rules}).content.decode()
    assert 'data-testid="segment-count">1<' in page
    assert '<option value="champions" selected>' in page
