"""Recording answers: checked per question, stored once per friend (or per submission), and
turned into attributes, tags and a ``form_answered`` activity in the same transaction."""

from __future__ import annotations

from decimal import Decimal

import pytest

from liff_forms.models import Answer, Form, Submission
from liff_forms.services.submissions import AnswersInvalid, FormClosed
from oa_console.activity.models import Activity
from segments.models import FriendAttribute, FriendTag
from tests.liff_forms.helpers import answer, build_form, questions_of, raw_answers

pytestmark = pytest.mark.django_db
USER = "U" + "a" * 32


def test_an_answer_is_stored_typed_and_reaches_attributes_tags_and_the_hub(account, scope):
    form = build_form(account)
    submission = answer(
        form,
        USER,
        Drink="0",
        Snacks=["0", "2"],
        Favourite="Latte",
        Rating="4.5",
        Birthday="1990-05-01",
        Newsletter="on",
    )
    answers = {a.question.label: a for a in Answer.unscoped.filter(submission=submission)}
    assert answers["Drink"].choices == [0]
    assert answers["Snacks"].display == "Cake, Cookie"
    assert answers["Rating"].value_number == Decimal("4.5")
    assert answers["Birthday"].value_date.isoformat() == "1990-05-01"
    assert answers["Newsletter"].value_bool is True
    # The friend was unknown: created as for a webhook event from a new user.
    friend = submission.friend
    assert friend.line_user_id == USER
    values = {row.definition.key: row for row in FriendAttribute.unscoped.filter(friend=friend)}
    assert values["favourite"].value_text == "Latte"
    assert values["rating"].value_number == Decimal("4.5")
    tags = FriendTag.unscoped.filter(friend=friend)
    assert [(t.tag.name, t.source) for t in tags] == [("coffee", "form")]
    kinds = list(
        Activity.unscoped.filter(account=account, friend_id=friend.pk).values_list(
            "kind", flat=True
        )
    )
    assert "form_answered" in kinds and "tag_added" in kinds and "attribute_changed" in kinds
    published = Activity.unscoped.get(kind="form_answered")
    assert published.payload["form_id"] == form.pk
    assert published.payload["first"] is True
    assert published.line_user_id == USER


def test_answering_again_updates_the_one_submission_of_a_per_friend_form(account, scope):
    form = build_form(account)
    first = answer(form, USER, Drink="0", Newsletter="on", Favourite="Latte")
    second = answer(form, USER, Drink="1", Newsletter="on")
    assert first.pk == second.pk
    assert Submission.unscoped.filter(form=form).count() == 1
    assert [a.question.label for a in Answer.unscoped.filter(submission=second)] == [
        "Drink",
        "Newsletter",
    ]
    activities = Activity.unscoped.filter(kind="form_answered").order_by("id")
    assert [a.payload["first"] for a in activities] == [True, False]


def test_a_per_submission_form_keeps_every_submission(account, scope):
    form = build_form(account, mode=Form.AnswerMode.PER_SUBMISSION)
    answer(form, USER, Drink="0", Newsletter="on")
    answer(form, USER, Drink="1", Newsletter="on")
    assert Submission.unscoped.filter(form=form).count() == 2


@pytest.mark.parametrize(
    ("answers", "question", "message"),
    [
        ({"Newsletter": "on"}, "Drink", "needs an answer"),
        ({"Drink": "0"}, "Newsletter", "Tick the box"),
        ({"Drink": "7", "Newsletter": "on"}, "Drink", "Choose one of the options"),
        ({"Drink": ["0", "1"], "Newsletter": "on"}, "Drink", "only one"),
        ({"Drink": "0", "Newsletter": "on", "Rating": "9"}, "Rating", "5 or less"),
        ({"Drink": "0", "Newsletter": "on", "Rating": "0.5"}, "Rating", "1 or more"),
        ({"Drink": "0", "Newsletter": "on", "Rating": "lots"}, "Rating", "Enter a number"),
        ({"Drink": "0", "Newsletter": "on", "Birthday": "1990-13-01"}, "Birthday", "date"),
        ({"Drink": "0", "Newsletter": "on", "Favourite": "x" * 2001}, "Favourite", "2000"),
    ],
)
def test_a_refused_answer_names_its_question_and_stores_nothing(
    account, scope, answers, question, message
):
    form = build_form(account)
    names = raw_answers(form, **{question: ""})
    with pytest.raises(AnswersInvalid) as refused:
        answer(form, USER, **answers)
    (name,) = names
    assert message in refused.value.errors[name]
    assert not Submission.unscoped.exists()
    assert not Activity.unscoped.filter(kind="form_answered").exists()
    assert not FriendTag.unscoped.exists()


def test_a_closed_form_takes_no_answers(account, scope):
    form = build_form(account)
    Form.unscoped.filter(pk=form.pk).update(status=Form.Status.CLOSED)
    form.refresh_from_db()
    with pytest.raises(FormClosed):
        answer(form, USER, Drink="0", Newsletter="on")
    assert not Submission.unscoped.exists()


def test_questions_keep_their_order(account, scope):
    form = build_form(account)
    assert [q.label for q in questions_of(form)] == [
        "Drink",
        "Snacks",
        "Favourite",
        "Rating",
        "Birthday",
        "Newsletter",
    ]
