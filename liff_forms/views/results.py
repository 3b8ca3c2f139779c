"""A form's page: its public address, its questions (with the builder's buttons) and the
results — answers per day, per question the options' counts as bar charts (each with the CSV
of its numbers), number summaries — plus the CSV of every answer and the paginated text
answers of one question."""

from __future__ import annotations

import zoneinfo

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from liff_forms import charts
from liff_forms.selectors.answers import (
    answers_table,
    question_results,
    submission_count,
    submissions_per_day,
    text_answers,
)
from liff_forms.selectors.forms import form_public_url, form_questions
from liff_forms.views.common import form_or_404, may_edit, question_or_404
from oa_console.charts import figure_html
from oa_console.csv_download import csv_response, csv_streaming_response
from oa_console.permissions import require
from oa_console.roles import Capability

PER_DAY_CSV = "answers-per-day.csv"
TEXT_PER_PAGE = 25


def _chart(figure: dict, div_id: str) -> str:
    # figure_html escapes the figure's JSON like json_script, so its markup is safe as is.
    return mark_safe(figure_html(figure, div_id=div_id))


@require_GET
def form_detail_page(
    request: HttpRequest, workspace_slug: str, account_slug: str, form_id: int
) -> HttpResponse:
    require(request, Capability.READ_ALL_PAGES)
    form = form_or_404(request, form_id)
    questions = form_questions(form=form)
    days = submissions_per_day(form=form, tz=zoneinfo.ZoneInfo(request.account.time_zone))
    download = request.GET.get("download", "")
    if download == PER_DAY_CSV:
        header, rows = charts.per_day_table(days)
        return csv_response(header, rows, filename=f"form-{form.pk}-{PER_DAY_CSV}")
    results = question_results(form=form, questions=questions)
    if download.startswith("question-"):
        result = next((r for r in results if f"question-{r.question.pk}.csv" == download), None)
        if result is None or not result.question.has_options:
            raise Http404
        header, rows = charts.options_table(result.options)
        return csv_response(header, rows, filename=f"form-{form.pk}-{download}")
    for result in results:
        result.chart = (
            _chart(
                charts.options_figure(result.options, title=result.question.label),
                div_id=f"form-question-{result.question.pk}",
            )
            if any(count for _label, count in result.options)
            else ""
        )
    return render(
        request,
        "liff_forms/detail.html",
        {
            "form_obj": form,
            "questions": questions,
            "results": results,
            "answers_total": submission_count(form=form),
            "per_day_chart": _chart(
                charts.per_day_figure(days, title=_("Answers per day")), div_id="form-per-day"
            )
            if days
            else "",
            "public_url": form_public_url(form),
            "liff_url": f"https://liff.line.me/{form.liff_id}",
            "can_edit": may_edit(request),
        },
    )


@require_GET
def form_answers_csv(
    request: HttpRequest, workspace_slug: str, account_slug: str, form_id: int
) -> HttpResponse:
    """Every submission, one row each: when, the friend, then one column per question."""
    require(request, Capability.READ_ALL_PAGES)
    form = form_or_404(request, form_id)
    questions = form_questions(form=form)
    header = ["submitted_at", "line_user_id", "display_name", *(q.label for q in questions)]
    return csv_streaming_response(
        header,
        answers_table(form=form, questions=questions),
        filename=f"form-{form.pk}-answers.csv",
    )


@require_GET
def question_answers_page(
    request: HttpRequest, workspace_slug: str, account_slug: str, form_id: int, question_id: int
) -> HttpResponse:
    """A text, number or date question's answers, newest first, a page at a time."""
    require(request, Capability.READ_ALL_PAGES)
    form = form_or_404(request, form_id)
    question = question_or_404(form, question_id)
    page = Paginator(text_answers(form=form, question=question), TEXT_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "liff_forms/question_answers.html",
        {"form_obj": form, "question": question, "page_obj": page},
    )
