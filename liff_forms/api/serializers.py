"""The forms API's input and output shapes."""

from __future__ import annotations

from rest_framework import serializers

from liff_forms.models import Answer, Form, Question, Submission
from liff_forms.services.forms import FormInput, OptionInput, QuestionInput


class FormOptionSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=100)
    tag_id = serializers.IntegerField(required=False, allow_null=True, default=None)


class FormQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="An existing question to keep."
    )
    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    label = serializers.CharField(max_length=300)
    help_text = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    required = serializers.BooleanField(required=False, default=False)
    min_value = serializers.DecimalField(
        max_digits=20, decimal_places=6, required=False, allow_null=True, default=None
    )
    max_value = serializers.DecimalField(
        max_digits=20, decimal_places=6, required=False, allow_null=True, default=None
    )
    options = FormOptionSerializer(many=True, required=False, default=list)
    attribute_id = serializers.IntegerField(required=False, allow_null=True, default=None)


class FormInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    intro = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    liff_id = serializers.CharField(max_length=40)
    login_channel_id = serializers.CharField(max_length=10)
    status = serializers.ChoiceField(
        choices=Form.Status.choices, required=False, default=Form.Status.OPEN
    )
    answer_mode = serializers.ChoiceField(
        choices=Form.AnswerMode.choices, required=False, default=Form.AnswerMode.PER_FRIEND
    )
    thanks_text = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )
    questions = FormQuestionSerializer(many=True, max_length=30)


def form_input(data: dict) -> tuple[FormInput, list[QuestionInput]]:
    form = FormInput(
        title=data["title"],
        intro=data["intro"],
        liff_id=data["liff_id"],
        login_channel_id=data["login_channel_id"],
        status=data["status"],
        answer_mode=data["answer_mode"],
        thanks_text=data["thanks_text"],
    )
    questions = [
        QuestionInput(
            id=q["id"],
            kind=q["kind"],
            label=q["label"],
            help_text=q["help_text"],
            required=q["required"],
            min_value=q["min_value"],
            max_value=q["max_value"],
            options=[OptionInput(label=o["label"], tag_id=o["tag_id"]) for o in q["options"]],
            attribute_id=q["attribute_id"],
        )
        for q in data["questions"]
    ]
    return form, questions


class FormQuestionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    label = serializers.CharField()
    help_text = serializers.CharField()
    required = serializers.BooleanField()
    # Decimal strings ("5.000000"), as the input takes them: JSON numbers would lose digits.
    min_value = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    max_value = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    options = FormOptionSerializer(many=True)
    attribute_id = serializers.IntegerField(allow_null=True)


class FormOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    intro = serializers.CharField()
    liff_id = serializers.CharField()
    login_channel_id = serializers.CharField()
    status = serializers.CharField()
    answer_mode = serializers.CharField()
    thanks_text = serializers.CharField()
    public_url = serializers.CharField(help_text="The LIFF app's endpoint URL.")
    questions = FormQuestionOutputSerializer(many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


def _decimal(name: str, value) -> str | None:
    """``value`` as the output field ``name`` declares it: a decimal string, or None."""
    if value is None:
        return None
    return FormQuestionOutputSerializer().fields[name].to_representation(value)


def question_output(question: Question) -> dict:
    return {
        "id": question.pk,
        "kind": question.kind,
        "label": question.label,
        "help_text": question.help_text,
        "required": question.required,
        "min_value": _decimal("min_value", question.min_value),
        "max_value": _decimal("max_value", question.max_value),
        "options": [{"label": o["label"], "tag_id": o.get("tag_id")} for o in question.options],
        "attribute_id": question.attribute_id,
    }


class FormAnswerOutputSerializer(serializers.Serializer):
    question_id = serializers.IntegerField()
    question = serializers.CharField()
    answer = serializers.CharField(help_text="As the friend reads it (option labels).")
    value = serializers.JSONField(
        help_text="Typed: a string, number (as a string), ISO date, boolean, or the picked "
        "option indexes."
    )


class FormSubmissionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    line_user_id = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    answers = FormAnswerOutputSerializer(many=True)


def _value(answer: Answer):
    if answer.question.has_options:
        return answer.choices
    if answer.value_number is not None:
        return format(answer.value_number.normalize(), "f")
    if answer.value_date is not None:
        return answer.value_date.isoformat()
    if answer.value_bool is not None:
        return answer.value_bool
    return answer.value_text


def submission_output(submission: Submission) -> dict:
    return {
        "id": submission.pk,
        "line_user_id": submission.friend.line_user_id,
        "submitted_at": submission.submitted_at,
        "answers": [
            {
                "question_id": answer.question_id,
                "question": answer.question.label,
                "answer": answer.display,
                "value": _value(answer),
            }
            for answer in sorted(
                submission.answers.all(), key=lambda a: (a.question.position, a.pk)
            )
        ],
    }
