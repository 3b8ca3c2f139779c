"""Building forms: a form's settings and its questions, checked against the OA's attributes
and tags so that every answer has somewhere valid to go.

Errors are ``ValidationError``s keyed by the field they belong to (``questions`` carries the
question's position for the API), so pages show them in place and the API names the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from liff_forms.models import Form, Question
from oa_console.models import LineAccount
from segments.models import AttributeDefinition, Tag

MAX_QUESTIONS = 30
MAX_OPTIONS = 20
Kind = Question.Kind
AttributeType = AttributeDefinition.Type

# Which attribute type receives each kind of answer.
ATTRIBUTE_TYPE_OF_KIND = {
    Kind.TEXT: AttributeType.TEXT,
    Kind.SINGLE: AttributeType.TEXT,
    Kind.MULTIPLE: AttributeType.TEXT,
    Kind.DATE: AttributeType.DATE,
    Kind.NUMBER: AttributeType.NUMBER,
    Kind.CONSENT: AttributeType.BOOLEAN,
}


@dataclass(frozen=True)
class OptionInput:
    label: str
    tag_id: int | None = None


@dataclass(frozen=True)
class QuestionInput:
    kind: str
    label: str
    required: bool = False
    help_text: str = ""
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    options: list[OptionInput] = field(default_factory=list)
    attribute_id: int | None = None
    id: int | None = None  # an existing question to update (API)


@dataclass(frozen=True)
class FormInput:
    title: str
    liff_id: str
    login_channel_id: str
    intro: str = ""
    status: str = Form.Status.OPEN
    answer_mode: str = Form.AnswerMode.PER_FRIEND
    thanks_text: str = ""


def _question_errors(account: LineAccount, data: QuestionInput) -> dict[str, list[str]]:
    """Field name -> messages for one question (the page's field names)."""
    errors: dict[str, list[str]] = {}
    if data.kind not in Kind.values:
        errors["kind"] = [_("Choose a kind of question.")]
        return errors
    if not data.label.strip():
        errors["label"] = [_("Write the question.")]
    if data.kind == Kind.CONSENT and not data.required:
        errors["required"] = [_("A consent question must be required.")]
    if data.kind == Kind.NUMBER:
        if (
            data.min_value is not None
            and data.max_value is not None
            and data.min_value > data.max_value
        ):
            errors["max_value"] = [_("The maximum must not be below the minimum.")]
    elif data.min_value is not None or data.max_value is not None:
        errors["min_value"] = [_("Only a number question has a minimum and a maximum.")]
    if data.kind in (Kind.SINGLE, Kind.MULTIPLE):
        errors.update(_option_errors(account, data.options))
    elif data.options:
        errors["options"] = [_("Only choice questions have options.")]
    if data.attribute_id is not None:
        definition = (
            AttributeDefinition.objects.for_account(account).filter(pk=data.attribute_id).first()
        )
        wanted = ATTRIBUTE_TYPE_OF_KIND[data.kind]
        if definition is None:
            errors["attribute"] = [_("Unknown attribute of this OA.")]
        elif definition.type != wanted:
            errors["attribute"] = [
                _("This question's answer needs an attribute of type “%(type)s”.")
                % {"type": AttributeType(wanted).label}
            ]
    return errors


def _option_errors(account: LineAccount, options: list[OptionInput]) -> dict[str, list[str]]:
    labels = [option.label.strip() for option in options]
    if len(labels) < 2:
        return {"options": [_("Give at least two options.")]}
    if len(labels) > MAX_OPTIONS:
        return {"options": [_("At most %(max)s options.") % {"max": MAX_OPTIONS}]}
    if any(not label for label in labels):
        return {"options": [_("An option has no label.")]}
    if len(set(labels)) != len(labels):
        return {"options": [_("Two options have the same label.")]}
    tag_ids = {option.tag_id for option in options if option.tag_id is not None}
    known = set(
        Tag.objects.for_account(account).filter(pk__in=tag_ids).values_list("pk", flat=True)
    )
    if tag_ids - known:
        return {"options": [_("An option names a tag this OA does not have.")]}
    return {}


def question_errors(*, account: LineAccount, data: QuestionInput) -> dict[str, list[str]]:
    """The field errors of ``data`` (empty when it may be saved)."""
    return _question_errors(account, data)


def _apply(question: Question, data: QuestionInput) -> Question:
    question.kind = data.kind
    question.label = data.label.strip()
    question.help_text = data.help_text.strip()
    question.required = data.required
    question.min_value = data.min_value
    question.max_value = data.max_value
    question.options = [
        {"label": option.label.strip(), "tag_id": option.tag_id} for option in data.options
    ]
    question.attribute_id = data.attribute_id
    return question


def _form_errors(data: FormInput) -> None:
    form = Form(
        title=data.title.strip(),
        intro=data.intro,
        liff_id=data.liff_id.strip(),
        login_channel_id=data.login_channel_id.strip(),
        status=data.status,
        answer_mode=data.answer_mode,
        thanks_text=data.thanks_text,
    )
    form.full_clean(exclude=["account", "public_key"])


def _set(form: Form, data: FormInput) -> Form:
    form.title = data.title.strip()
    form.intro = data.intro.strip()
    form.liff_id = data.liff_id.strip()
    form.login_channel_id = data.login_channel_id.strip()
    form.status = data.status
    form.answer_mode = data.answer_mode
    form.thanks_text = data.thanks_text.strip()
    return form


@transaction.atomic
def form_create(
    *, account: LineAccount, data: FormInput, questions: list[QuestionInput] | None = None
) -> Form:
    _form_errors(data)
    form = _set(Form(account=account), data)
    form.save()
    if questions is not None:
        form_questions_replace(form=form, questions=questions)
    return form


@transaction.atomic
def form_update(
    *, form: Form, data: FormInput, questions: list[QuestionInput] | None = None
) -> Form:
    """Change the form's settings (and, given ``questions``, its questions). Changing the
    answer mode applies to the answers that come next; the stored ones stay as they are."""
    _form_errors(data)
    _set(form, data).save()
    if questions is not None:
        form_questions_replace(form=form, questions=questions)
    return form


def form_delete(*, form: Form) -> None:
    form.delete()


@transaction.atomic
def form_questions_replace(*, form: Form, questions: list[QuestionInput]) -> list[Question]:
    """Make the form's questions exactly ``questions``, in this order: those with an ``id``
    are updated (their answers kept), the others created, the rest deleted with their
    answers. Errors name the question: ``{"questions": ["3: Give at least two options."]}``."""
    account = form.account
    if len(questions) > MAX_QUESTIONS:
        raise ValidationError(
            {"questions": [_("At most %(max)s questions.") % {"max": MAX_QUESTIONS}]}
        )
    existing = {q.pk: q for q in Question.objects.for_account(account).filter(form=form)}
    messages: list[str] = []
    for number, data in enumerate(questions, start=1):
        if data.id is not None and data.id not in existing:
            messages.append(_("%(n)s: unknown question of this form.") % {"n": number})
        for field_name, errors in _question_errors(account, data).items():
            messages += [f"{number} ({field_name}): {error}" for error in errors]
    if messages:
        raise ValidationError({"questions": messages})
    kept = {data.id for data in questions if data.id is not None}
    Question.objects.for_account(account).filter(form=form).exclude(pk__in=kept).delete()
    saved = []
    for position, data in enumerate(questions):
        question = existing.get(data.id) if data.id is not None else None
        question = _apply(question or Question(account=account, form=form), data)
        question.position = position
        question.save()
        saved.append(question)
    return saved


@transaction.atomic
def question_save(*, form: Form, data: QuestionInput, question: Question | None = None) -> Question:
    """Add a question at the end of the form, or change ``question``."""
    account = form.account
    errors = _question_errors(account, data)
    if errors:
        raise ValidationError(errors)
    if question is None:
        count = Question.objects.for_account(account).filter(form=form).count()
        if count >= MAX_QUESTIONS:
            raise ValidationError(_("At most %(max)s questions.") % {"max": MAX_QUESTIONS})
        question = Question(account=account, form=form, position=count)
    _apply(question, data).save()
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    form, account = question.form, question.account
    question.delete()
    _renumber(account, form)


@transaction.atomic
def question_move(*, question: Question, up: bool) -> None:
    """Swap the question with the one before (``up``) or after it."""
    account = question.account
    ordered = list(Question.objects.for_account(account).filter(form=question.form))
    index = next(i for i, q in enumerate(ordered) if q.pk == question.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, item in enumerate(ordered):
            if item.position != position:
                item.position = position
                item.save(update_fields=["position"])


def _renumber(account: LineAccount, form: Form) -> None:
    for position, item in enumerate(Question.objects.for_account(account).filter(form=form)):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])
