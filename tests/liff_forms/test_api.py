"""The forms API: CRUD of a form with its questions (400 naming the field), its answers
paginated, and the roles."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from liff_forms.models import Form, Question
from oa_console.roles import Role
from oa_console.services.api_keys import api_key_create
from segments.models import AttributeDefinition, Tag
from tests.liff_forms.helpers import answer, build_form

pytestmark = pytest.mark.django_db


def _client(workspace, role=Role.MARKETER) -> Client:
    _api_key, raw = api_key_create(workspace=workspace, name=role, role=role)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _form_body(account, **change) -> dict:
    tag = Tag.unscoped.get_or_create(account=account, name="coffee")[0]
    body = {
        "title": "Survey",
        "liff_id": "1657000000-AbCdEfGh",
        "login_channel_id": "1657000000",
        "questions": [
            {
                "kind": "single",
                "label": "Drink",
                "required": True,
                "options": [{"label": "Coffee", "tag_id": tag.pk}, {"label": "Tea"}],
            },
            {"kind": "number", "label": "Rating", "min_value": "1", "max_value": "5"},
        ],
    }
    return {**body, **change}


def test_create_read_replace_and_delete(account):
    client = _client(account.workspace)
    listing = reverse("api_form_list", args=[account.pk])
    created = client.post(listing, _form_body(account), content_type="application/json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert [q["label"] for q in body["questions"]] == ["Drink", "Rating"]
    form = Form.unscoped.get()
    assert body["public_url"] == f"{settings.PUBLIC_BASE_URL}/liff/{form.public_key}/"
    detail = reverse("api_form_detail", args=[account.pk, body["id"]])
    drink = body["questions"][0]
    replaced = client.put(
        detail,
        _form_body(
            account,
            status="closed",
            questions=[{**drink, "label": "Your drink"}, {"kind": "text", "label": "Why?"}],
        ),
        content_type="application/json",
    )
    assert replaced.status_code == 200, replaced.json()
    questions = replaced.json()["questions"]
    assert questions[0]["id"] == drink["id"]  # kept, with its answers
    assert [q["label"] for q in questions] == ["Your drink", "Why?"]
    assert replaced.json()["status"] == "closed"
    assert client.get(listing).json()["count"] == 1
    assert client.delete(detail).status_code == 204
    assert not Form.unscoped.exists() and not Question.unscoped.exists()


def test_number_bounds_answer_decimal_strings_as_declared_and_as_taken(account):
    """``min_value``/``max_value`` are decimal strings both ways (the schema's DecimalField),
    never JSON numbers such as ``5.0``; what a read answers can be written back unchanged."""
    client = _client(account.workspace)
    listing = reverse("api_form_list", args=[account.pk])
    created = client.post(listing, _form_body(account), content_type="application/json")
    rating = created.json()["questions"][1]
    assert (rating["min_value"], rating["max_value"]) == ("1.000000", "5.000000")
    assert created.json()["questions"][0]["min_value"] is None
    detail = reverse("api_form_detail", args=[account.pk, created.json()["id"]])
    read = client.get(detail).json()["questions"][1]
    assert (read["min_value"], read["max_value"]) == ("1.000000", "5.000000")
    listed = client.get(listing).json()["results"][0]["questions"][1]
    assert listed["max_value"] == "5.000000"
    body = _form_body(account, questions=[{**read, "min_value": "0.5", "max_value": 10}])
    replaced = client.put(detail, body, content_type="application/json")
    assert replaced.status_code == 200, replaced.json()
    bounds = replaced.json()["questions"][0]
    assert (bounds["min_value"], bounds["max_value"]) == ("0.500000", "10.000000")


def _bad_attribute(account) -> dict:
    number = AttributeDefinition.unscoped.create(
        account=account, key="points", label="Points", type="number"
    )
    return {"questions": [{"kind": "text", "label": "Name", "attribute_id": number.pk}]}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda a: {"liff_id": "not-a-liff-id"}, "liff_id"),
        (lambda a: {"login_channel_id": "12"}, "login_channel_id"),
        (
            lambda a: {"questions": [{"kind": "single", "label": "Drink", "options": []}]},
            "questions",
        ),
        (lambda a: {"questions": [{"kind": "consent", "label": "OK?"}]}, "questions"),
        (
            lambda a: {
                "questions": [{"kind": "number", "label": "N", "min_value": "5", "max_value": "1"}]
            },
            "questions",
        ),
        (
            lambda a: {
                "questions": [
                    {
                        "kind": "single",
                        "label": "D",
                        "options": [{"label": "A", "tag_id": 999_999}, {"label": "B"}],
                    }
                ]
            },
            "questions",
        ),
        (_bad_attribute, "questions"),
    ],
)
def test_a_refused_form_answers_400_naming_the_field(account, change, field):
    response = _client(account.workspace).post(
        reverse("api_form_list", args=[account.pk]),
        _form_body(account, **change(account)),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]
    assert not Form.unscoped.exists()


def test_answers_are_listed_newest_first_with_typed_values(account, scope):
    form = build_form(account)
    answer(form, "U" + "1" * 32, Drink="0", Newsletter="on", Rating="4")
    answer(form, "U" + "2" * 32, Drink="1", Newsletter="on", Snacks=["0", "1"])
    client = _client(account.workspace, Role.VIEWER)
    page = client.get(reverse("api_form_answers", args=[account.pk, form.pk])).json()
    assert page["count"] == 2
    latest = page["results"][0]
    assert latest["line_user_id"] == "U" + "2" * 32
    by_question = {a["question"]: a for a in latest["answers"]}
    assert by_question["Snacks"]["value"] == [0, 1]
    assert by_question["Snacks"]["answer"] == "Cake, Scone"
    rating = next(a for a in page["results"][1]["answers"] if a["question"] == "Rating")
    assert rating["value"] == "4"


def test_a_viewer_reads_but_does_not_write(account):
    client = _client(account.workspace, Role.VIEWER)
    listing = reverse("api_form_list", args=[account.pk])
    assert client.get(listing).status_code == 200
    refused = client.post(listing, _form_body(account), content_type="application/json")
    assert refused.status_code == 403
    assert not Form.unscoped.exists()
