"""The Forms pages: the list, a form's settings and questions with errors in place, reorder and
delete, the results with their charts and CSVs, and the roles."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from liff_forms.models import Form, Question
from oa_console.roles import Role
from segments.models import AttributeDefinition, Tag
from tests.conftest import client_for, make_member
from tests.liff_forms.helpers import answer, build_form, questions_of

pytestmark = pytest.mark.django_db


def _url(account, name, **kwargs):
    return reverse(
        name,
        kwargs={"workspace_slug": account.workspace.slug, "account_slug": account.slug, **kwargs},
    )


SETTINGS = {
    "title": "Welcome survey",
    "intro": "One minute",
    "liff_id": "1657000000-AbCdEfGh",
    "login_channel_id": "1657000000",
    "answer_mode": "per_friend",
    "status": "open",
    "thanks_text": "",
}


def test_build_a_form_with_errors_in_place(account, marketer):
    client = client_for(marketer)
    assert client.get(_url(account, "form_list")).status_code == 200
    bad = client.post(_url(account, "form_create"), {**SETTINGS, "liff_id": "165700-xyz"})
    assert bad.status_code == 200
    assert bad.context["settings_form"]["liff_id"].errors
    assert 'data-testid="field-error"' in bad.content.decode()
    assert not Form.unscoped.exists()
    made = client.post(_url(account, "form_create"), SETTINGS)
    assert made.status_code == 302
    form = Form.unscoped.get()
    assert made["Location"] == _url(account, "form_detail", form_id=form.pk)

    tag = Tag.unscoped.create(account=account, name="likes-coffee")
    new_question = _url(account, "form_question_create", form_id=form.pk)
    one_option = client.post(new_question, {"kind": "single", "label": "Drink", "options": "Tea"})
    assert "at least two" in " ".join(one_option.context["question_form"]["options"].errors)
    unknown_tag = client.post(
        new_question, {"kind": "single", "label": "Drink", "options": "Coffee | nope\nTea"}
    )
    assert "nope" in " ".join(unknown_tag.context["question_form"]["options"].errors)
    saved = client.post(
        new_question,
        {"kind": "single", "label": "Drink", "options": "Coffee | Likes-Coffee\nTea"},
    )
    assert saved.status_code == 302
    drink = Question.unscoped.get(form=form)
    assert drink.options == [
        {"label": "Coffee", "tag_id": tag.pk},
        {"label": "Tea", "tag_id": None},
    ]

    number = AttributeDefinition.unscoped.create(
        account=account, key="age", label="Age", type="number"
    )
    wrong_type = client.post(
        new_question, {"kind": "text", "label": "Name", "attribute": str(number.pk)}
    )
    assert "“Text”" in wrong_type.context["question_form"]["attribute"].errors[0]
    client.post(new_question, {"kind": "number", "label": "Age", "attribute": str(number.pk)})
    assert [q.label for q in questions_of(form)] == ["Drink", "Age"]

    # Reorder, then the edit page shows the options with their tag as typed.
    age = Question.unscoped.get(label="Age")
    client.post(
        _url(account, "form_question_move", form_id=form.pk, question_id=age.pk),
        {"direction": "up"},
    )
    assert [q.label for q in questions_of(form)] == ["Age", "Drink"]
    edit = client.get(_url(account, "form_question_edit", form_id=form.pk, question_id=drink.pk))
    assert "Coffee | likes-coffee" in edit.content.decode()
    client.post(_url(account, "form_question_delete", form_id=form.pk, question_id=age.pk))
    assert [q.label for q in questions_of(form)] == ["Drink"]

    detail = client.get(_url(account, "form_detail", form_id=form.pk)).content.decode()
    assert f"/liff/{form.public_key}/" in detail
    assert "https://liff.line.me/1657000000-AbCdEfGh" in detail


def test_results_show_charts_and_csvs_of_the_answers(account, owner, scope):
    form = build_form(account)
    answer(form, "U" + "1" * 32, Drink="0", Newsletter="on", Rating="4", Favourite="Latte")
    answer(form, "U" + "2" * 32, Drink="0", Newsletter="on", Rating="2")
    answer(form, "U" + "3" * 32, Drink="1", Newsletter="on", Favourite="Mocha")
    client = client_for(owner)
    page = client.get(_url(account, "form_detail", form_id=form.pk))
    html = page.content.decode()
    drink = next(r for r in page.context["results"] if r.question.label == "Drink")
    assert drink.options == [("Coffee", 2), ("Tea", 1)]
    assert f'id="form-question-{drink.question.pk}"' in html
    assert "form-per-day" in html
    rating = next(r for r in page.context["results"] if r.question.label == "Rating")
    assert (rating.minimum, rating.maximum, str(rating.average)) == (2, 4, "3.00")

    table = client.get(
        _url(account, "form_detail", form_id=form.pk),
        {"download": f"question-{drink.question.pk}.csv"},
    )
    rows = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig"))))
    assert rows == [["option", "friends"], ["Coffee", "2"], ["Tea", "1"]]
    per_day = client.get(
        _url(account, "form_detail", form_id=form.pk), {"download": "answers-per-day.csv"}
    )
    per_day_rows = list(csv.reader(io.StringIO(per_day.content.decode("utf-8-sig"))))
    assert per_day_rows[1][1] == "3"

    export = client.get(_url(account, "form_answers_csv", form_id=form.pk))
    content = b"".join(export.streaming_content).decode("utf-8-sig")
    exported = list(csv.reader(io.StringIO(content)))
    assert exported[0][:4] == ["submitted_at", "line_user_id", "display_name", "Drink"]
    assert len(exported) == 4
    assert "Mocha" in exported[1] and "Tea" in exported[1]

    favourite = next(q for q in questions_of(form) if q.label == "Favourite")
    texts = client.get(
        _url(account, "form_question_answers", form_id=form.pk, question_id=favourite.pk)
    )
    assert [a.display for a in texts.context["page_obj"]] == ["Mocha", "Latte"]


def test_a_viewer_reads_forms_but_cannot_change_them(account, workspace, scope):
    form = build_form(account)
    viewer = make_member(workspace, Role.VIEWER, email="viewer@forms.example")
    client = client_for(viewer)
    detail = client.get(_url(account, "form_detail", form_id=form.pk))
    assert detail.status_code == 200
    assert 'data-testid="question-new"' not in detail.content.decode()
    assert client.post(_url(account, "form_create"), SETTINGS).status_code == 403
    assert client.post(_url(account, "form_delete", form_id=form.pk)).status_code == 403
    assert Form.unscoped.count() == 1


def test_deleting_a_form_deletes_its_answers(account, owner, scope):
    form = build_form(account)
    answer(form, "U" + "1" * 32, Drink="0", Newsletter="on")
    response = client_for(owner).post(_url(account, "form_delete", form_id=form.pk))
    assert response.status_code == 302
    assert not Form.unscoped.exists()
