"""Friends API filters by tag (has / all of several / any of several) and by attribute (key,
operator, value), evaluated by the segment rule compiler, on the hand-built OA."""

from __future__ import annotations

import pytest

from tests.segments.api.test_segments import Api
from tests.segments.crm_world import build_crm_world


@pytest.fixture
def world(account):
    return build_crm_world(account)


@pytest.fixture
def api(workspace, account, world):
    return Api(workspace, account)


def letters(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["line_user_id"][1] for row in response.json()["results"]}


def get(api, query: str):
    return api.client.get(f"{api.base}/friends/?{query}")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query,expected",
    [
        # vip: A, D; news: A, B (blocked).
        ("tag={vip}", {"A", "D"}),
        ("tag={vip}&tag={news}", {"A"}),
        ("tag_any={vip}&tag_any={news}", {"A", "B", "D"}),
        ("tag={news}&status=following", {"A"}),
        # points: A 1500, B 200; city: A Tokyo, B Osaka, D "" (not set).
        ("attribute=points&attribute_op=gte&attribute_value=1000", {"A"}),
        ("attribute=points&attribute_op=between&attribute_value=[100,300]", {"B"}),
        ("attribute=points&attribute_op=is_set", {"A", "B"}),
        ("attribute=city&attribute_value=Tokyo", {"A"}),
        ('attribute=city&attribute_op=in&attribute_value=["Tokyo","Osaka"]', {"A", "B"}),
        ("attribute=city&attribute_op=is_set&attribute_value=false", {"C", "D"}),
        ("attribute=city&attribute_op=contains&attribute_value=123", set()),
        # signup: A 2024-01-10, D 2025-06-01; newsletter: A true, B false.
        ("attribute=signup&attribute_op=gte&attribute_value=2025-01-01", {"D"}),
        ("attribute=newsletter&attribute_value=false", {"B"}),
        (
            "tag_any={vip}&tag_any={news}&attribute=points&attribute_op=gt&attribute_value=100",
            {"A", "B"},
        ),
    ],
)
def test_filters_match_hand_computed_friends(api, world, query, expected):
    query = query.format(vip=world.tags["vip"].pk, news=world.tags["news"].pk)
    assert letters(get(api, query)) == expected


@pytest.mark.django_db
def test_filters_agree_with_the_segment_count(api, world):
    vip, news = world.tags["vip"].pk, world.tags["news"].pk
    listed = get(
        api, f"tag_any={vip}&tag_any={news}&attribute=points&attribute_op=lt&attribute_value=1000"
    )
    rules = {
        "all": [
            {"field": "tag", "op": "has_any", "value": [vip, news]},
            {"field": "attribute.points", "op": "lt", "value": 1000},
        ]
    }
    counted = api.send("post", "/segments/count/", {"rules": rules}).json()
    assert listed.json()["count"] == counted["count"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query,field",
    [
        ("tag=999999", "tag"),
        ("tag=abc", "tag"),
        ("tag_any=999999", "tag_any"),
        ("attribute=shoe_size", "attribute"),
        ("attribute=points&attribute_op=contains&attribute_value=1", "attribute_op"),
        ("attribute=points&attribute_value=lots", "attribute_value"),
        ("attribute=signup&attribute_op=gte&attribute_value=yesterday", "attribute_value"),
    ],
)
def test_invalid_filters_answer_400_naming_the_parameter(api, world, query, field):
    response = get(api, query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]
