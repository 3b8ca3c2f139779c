"""Forms for tests: a form with one question of each kind, and answering it as a friend."""

from __future__ import annotations

from liff_forms.models import Form, Question
from liff_forms.services.forms import FormInput, OptionInput, QuestionInput, form_create
from liff_forms.services.submissions import field_name, submission_record
from segments.models import AttributeDefinition, Tag

LIFF_ID = "1657000000-AbCdEfGh"
CHANNEL_ID = "1657000000"


def build_form(account, *, title: str = "Survey", mode: str = Form.AnswerMode.PER_FRIEND) -> Form:
    """Questions in order: single choice (tagging "coffee"), multiple choice, text (into the
    ``favourite`` text attribute), number 1..5 (into ``rating``), date, consent."""
    coffee = Tag.unscoped.get_or_create(account=account, name="coffee")[0]
    favourite = AttributeDefinition.unscoped.get_or_create(
        account=account, key="favourite", defaults={"label": "Favourite", "type": "text"}
    )[0]
    rating = AttributeDefinition.unscoped.get_or_create(
        account=account, key="rating", defaults={"label": "Rating", "type": "number"}
    )[0]
    return form_create(
        account=account,
        data=FormInput(title=title, liff_id=LIFF_ID, login_channel_id=CHANNEL_ID, answer_mode=mode),
        questions=[
            QuestionInput(
                kind=Question.Kind.SINGLE,
                label="Drink",
                required=True,
                options=[OptionInput("Coffee", coffee.pk), OptionInput("Tea")],
            ),
            QuestionInput(
                kind=Question.Kind.MULTIPLE,
                label="Snacks",
                options=[OptionInput("Cake"), OptionInput("Scone"), OptionInput("Cookie")],
            ),
            QuestionInput(kind=Question.Kind.TEXT, label="Favourite", attribute_id=favourite.pk),
            QuestionInput(
                kind=Question.Kind.NUMBER,
                label="Rating",
                min_value=1,
                max_value=5,
                attribute_id=rating.pk,
            ),
            QuestionInput(kind=Question.Kind.DATE, label="Birthday"),
            QuestionInput(kind=Question.Kind.CONSENT, label="Newsletter", required=True),
        ],
    )


def questions_of(form: Form) -> list[Question]:
    return list(Question.unscoped.filter(form=form).order_by("position"))


def raw_answers(form: Form, **by_label) -> dict:
    """``raw_answers(form, Drink="0", Rating="4")``: the posted fields by question label."""
    names = {q.label: field_name(q) for q in questions_of(form)}
    return {names[label]: value for label, value in by_label.items()}


def answer(form: Form, line_user_id: str, **by_label):
    return submission_record(
        form=form,
        line_user_id=line_user_id,
        raw=raw_answers(form, **by_label),
        questions=questions_of(form),
    )
