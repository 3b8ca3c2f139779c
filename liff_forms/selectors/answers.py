"""Reads of answers: submissions for the API and the CSV, per-question results, answers over
time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Avg, Count, Max, Min, QuerySet
from django.db.models.functions import TruncDate

from liff_forms.models import Answer, Form, Question, Submission


def submission_list(*, form: Form) -> QuerySet[Submission]:
    return (
        Submission.objects.for_account(form.account)
        .filter(form=form)
        .select_related("friend")
        .prefetch_related("answers__question")
        .order_by("-submitted_at", "-pk")
    )


def submission_count(*, form: Form) -> int:
    return Submission.objects.for_account(form.account).filter(form=form).count()


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    # Choice questions: (option label, friends who picked it), in the options' order.
    options: list[tuple[str, int]] = field(default_factory=list)
    # Number questions.
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    average: Decimal | None = None
    # The page's bar chart of ``options`` (markup), set by the view.
    chart: str = ""


def question_results(*, form: Form, questions: list[Question]) -> list[QuestionResult]:
    """One result per question: how many answered it, and per kind the option counts or the
    numbers' minimum, maximum and average. Text and date answers are listed by
    ``text_answers``."""
    answers = Answer.objects.for_account(form.account).filter(submission__form=form)
    answered = dict(answers.values("question").annotate(n=Count("pk")).values_list("question", "n"))
    results = []
    for question in questions:
        result = QuestionResult(question, answered=answered.get(question.pk, 0))
        if question.has_options:
            counts: Counter[int] = Counter()
            for picked in answers.filter(question=question).values_list("choices", flat=True):
                counts.update(i for i in picked if isinstance(i, int))
            result.options = [
                (option["label"], counts.get(index, 0))
                for index, option in enumerate(question.options)
            ]
        elif question.kind == Question.Kind.NUMBER:
            summary = answers.filter(question=question).aggregate(
                lo=Min("value_number"), hi=Max("value_number"), avg=Avg("value_number")
            )
            result.minimum, result.maximum = summary["lo"], summary["hi"]
            result.average = (
                Decimal(summary["avg"]).quantize(Decimal("0.01"))
                if summary["avg"] is not None
                else None
            )
        results.append(result)
    return results


def text_answers(*, form: Form, question: Question) -> QuerySet[Answer]:
    """A text or date question's answers, newest first (paginated by the page)."""
    return (
        Answer.objects.for_account(form.account)
        .filter(submission__form=form, question=question)
        .select_related("submission__friend", "question")
        .order_by("-submission__submitted_at", "-pk")
    )


def submissions_per_day(*, form: Form, tz) -> list[tuple[date, int]]:
    """(day in the OA's time zone, submissions that day), oldest first, days without any
    left out."""
    rows = (
        Submission.objects.for_account(form.account)
        .filter(form=form)
        .annotate(day=TruncDate("submitted_at", tzinfo=tz))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )
    return [(row["day"], row["n"]) for row in rows]


def answers_table(*, form: Form, questions: list[Question]) -> Iterator[list]:
    """One row per submission for the CSV: when, the friend, then each question's answer."""
    for submission in submission_list(form=form).iterator(chunk_size=500):
        by_question = {answer.question_id: answer for answer in submission.answers.all()}
        yield [
            submission.submitted_at.isoformat(),
            submission.friend.line_user_id,
            submission.friend.display_name,
            *(by_question[q.pk].display if q.pk in by_question else "" for q in questions),
        ]
