"""Recording a friend's answers: checked against the questions, stored once per friend and form
(or per submission), written into the friend's attributes and tags, and published to the
activity hub as ``form_answered`` — all in one transaction, so a refused answer stores nothing
and a stored one always reaches journeys and tag rules.

Callers identify the friend by the LINE user id of a verified ID token
(``oa_console.line.id_tokens``); a user the OA has not seen yet becomes a friend row as a
webhook event from an unknown user does (``segments.services.friends.friends_ensure``).
Tags are only added: a friend who answers again without an option keeps its tag, as tags
added by hand or by rules are not this form's to take away.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liff_forms.models import Answer, Form, Question, Submission
from oa_console.activity.models import Activity
from oa_console.activity.publishing import ActivityInput, publish_many
from segments.models import Friend, FriendTag, Tag
from segments.services.friend_attributes import friend_attribute_set
from segments.services.friends import friends_ensure
from segments.services.tagging import friend_tags_add

MAX_TEXT = 2000
Kind = Question.Kind


class AnswersInvalid(ValueError):
    """Some answers do not fit their questions: ``errors`` maps ``q<question id>`` to a
    message shown under that question."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("answers refused")
        self.errors = errors


class FormClosed(ValueError):
    """The form no longer takes answers."""


@dataclass(frozen=True)
class _Typed:
    question: Question
    text: str = ""
    number: Decimal | None = None
    day: date | None = None
    flag: bool | None = None
    choices: tuple[int, ...] = ()

    @property
    def empty(self) -> bool:
        return (
            not self.text
            and self.number is None
            and self.day is None
            and not self.flag
            and not self.choices
        )


def field_name(question: Question) -> str:
    return f"q{question.pk}"


def _values(raw: Any) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, list | tuple):
        return [str(item).strip() for item in raw if str(item).strip()]
    text = str(raw).strip()
    return [text] if text else []


def _choice_indexes(question: Question, values: list[str]) -> tuple[int, ...]:
    indexes = []
    for value in values:
        try:
            index = int(value)
        except ValueError:
            raise ValueError(_("Choose one of the options.")) from None
        if not 0 <= index < len(question.options):
            raise ValueError(_("Choose one of the options."))
        if index not in indexes:
            indexes.append(index)
    if question.kind == Kind.SINGLE and len(indexes) > 1:
        raise ValueError(_("Choose only one option."))
    return tuple(sorted(indexes))


def _typed(question: Question, raw: Any) -> _Typed:
    values = _values(raw)
    if question.has_options:
        return _Typed(question, choices=_choice_indexes(question, values))
    value = values[0] if values else ""
    if not value:
        return _Typed(question)
    if question.kind == Kind.TEXT:
        if len(value) > MAX_TEXT:
            raise ValueError(_("At most %(max)s characters.") % {"max": MAX_TEXT})
        return _Typed(question, text=value)
    if question.kind == Kind.DATE:
        try:
            return _Typed(question, day=date.fromisoformat(value))
        except ValueError:
            raise ValueError(_("Enter a date.")) from None
    if question.kind == Kind.NUMBER:
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ValueError(_("Enter a number.")) from None
        if not number.is_finite() or abs(number) >= Decimal(10) ** 14:
            raise ValueError(_("Enter a number."))
        if question.min_value is not None and number < question.min_value:
            raise ValueError(
                _("Enter %(min)s or more.") % {"min": format(question.min_value.normalize(), "f")}
            )
        if question.max_value is not None and number > question.max_value:
            raise ValueError(
                _("Enter %(max)s or less.") % {"max": format(question.max_value.normalize(), "f")}
            )
        return _Typed(question, number=number)
    # Consent: a ticked checkbox.
    if value.lower() not in ("on", "true", "1", "yes"):
        raise ValueError(_("Tick the box to agree."))
    return _Typed(question, flag=True)


def answers_check(*, form: Form, questions: list[Question], raw: dict[str, Any]) -> list[_Typed]:
    """The typed answers of ``raw`` (``q<id>`` -> value or list); raises ``AnswersInvalid``
    naming every question whose answer is refused or missing."""
    errors: dict[str, str] = {}
    typed: list[_Typed] = []
    for question in questions:
        name = field_name(question)
        try:
            answer = _typed(question, raw.get(name))
        except ValueError as exc:
            errors[name] = str(exc)
            continue
        if question.required and answer.empty:
            errors[name] = (
                _("Tick the box to agree.")
                if question.kind == Kind.CONSENT
                else _("This question needs an answer.")
            )
            continue
        typed.append(answer)
    if errors:
        raise AnswersInvalid(errors)
    return typed


def _attribute_value(answer: _Typed) -> Any:
    question = answer.question
    if question.has_options:
        return ", ".join(question.options[i]["label"] for i in answer.choices)
    if answer.number is not None:
        return answer.number
    if answer.day is not None:
        return answer.day.isoformat()
    if answer.flag is not None:
        return answer.flag
    return answer.text


@transaction.atomic
def submission_record(
    *, form: Form, line_user_id: str, raw: dict[str, Any], questions: list[Question]
) -> Submission:
    """Store the answers of the friend ``line_user_id`` (from a verified ID token). Raises
    ``FormClosed`` or ``AnswersInvalid`` before anything is written."""
    account = form.account
    if not form.is_open:
        raise FormClosed(form.pk)
    typed = answers_check(form=form, questions=questions, raw=raw)
    friend_id = friends_ensure(account=account, line_user_ids=[line_user_id])[line_user_id]
    friend = Friend.objects.for_account(account).get(pk=friend_id)
    now = timezone.now()
    per_friend = form.answer_mode == Form.AnswerMode.PER_FRIEND
    submission, first = _submission_for(form, friend, per_friend, now)
    Answer.objects.for_account(account).filter(submission=submission).delete()
    Answer.objects.for_account(account).bulk_create(
        [
            Answer(
                account=account,
                submission=submission,
                question=answer.question,
                value_text=answer.text,
                value_number=answer.number,
                value_date=answer.day,
                value_bool=answer.flag,
                choices=list(answer.choices),
            )
            for answer in typed
            if not answer.empty
        ]
    )
    _apply_to_friend(form, friend, typed, now)
    publish_many(
        account=account,
        activities=[
            ActivityInput(
                kind=Activity.Kind.FORM_ANSWERED,
                occurred_at=now,
                friend_id=friend.pk,
                line_user_id=line_user_id,
                payload={
                    "form_id": form.pk,
                    "form": form.title,
                    "submission_id": submission.pk,
                    "first": first,
                },
            )
        ],
    )
    return submission


def _submission_for(form: Form, friend: Friend, per_friend: bool, now) -> tuple[Submission, bool]:
    """The submission to (re)write and whether it is the friend's first for this form."""
    rows = Submission.objects.for_account(form.account)
    if per_friend:
        existing = rows.select_for_update().filter(form=form, friend=friend, per_friend=True)
        submission = existing.first()
        if submission is not None:
            submission.submitted_at = now
            submission.save(update_fields=["submitted_at", "updated_at"])
            return submission, False
    first = not rows.filter(form=form, friend=friend).exists()
    try:
        with transaction.atomic():
            submission = rows.create(
                account=form.account,
                form=form,
                friend=friend,
                per_friend=per_friend,
                submitted_at=now,
            )
    except IntegrityError:  # the same friend's other submission won the race: update it
        submission = rows.select_for_update().get(form=form, friend=friend, per_friend=True)
        submission.submitted_at = now
        submission.save(update_fields=["submitted_at", "updated_at"])
        return submission, False
    return submission, first


def _apply_to_friend(form: Form, friend: Friend, typed: list[_Typed], now) -> None:
    """Attributes and tags from the answers, each change published by segments' services."""
    account = form.account
    tag_ids: set[int] = set()
    for answer in typed:
        question = answer.question
        if question.attribute_id is not None and not answer.empty:
            friend_attribute_set(
                account=account,
                friend=friend,
                key=question.attribute.key,
                value=_attribute_value(answer),
            )
        for index in answer.choices:
            tag_id = question.options[index].get("tag_id")
            if tag_id:
                tag_ids.add(tag_id)
    for tag in Tag.objects.for_account(account).filter(pk__in=tag_ids):
        friend_tags_add(
            account=account,
            tag=tag,
            friend_ids=[friend.pk],
            source=FriendTag.Source.FORM,
            at=now,
        )
