"""Building forms: the OA's list of forms, a form's settings, its questions (add, edit,
reorder, delete). Reading needs any page access; changing needs ``EDIT_SEGMENTS``."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liff_forms.builder import FormSettingsForm, QuestionForm
from liff_forms.models import Form, Question
from liff_forms.selectors.forms import form_list
from liff_forms.services import forms as services
from liff_forms.views.common import EDIT, form_or_404, may_edit, question_or_404, to_form
from oa_console.permissions import require
from oa_console.roles import Capability

PER_PAGE = 25


@require_GET
def form_list_page(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    require(request, Capability.READ_ALL_PAGES)
    page = Paginator(form_list(account=request.account), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "liff_forms/list.html", {"page_obj": page, "can_edit": may_edit(request)}
    )


def _settings_page(request: HttpRequest, form: Form | None) -> HttpResponse:
    require(request, EDIT)
    settings_form = FormSettingsForm(
        request.POST if request.method == "POST" else None, instance=form
    )
    if request.method == "POST" and settings_form.is_valid():
        try:
            if form is None:
                form = services.form_create(account=request.account, data=settings_form.to_input())
            else:
                services.form_update(form=form, data=settings_form.to_input())
        except ValidationError as exc:
            settings_form.add_error(None, exc)
        else:
            messages.success(request, _("Form “%(title)s” saved.") % {"title": form.title})
            return to_form(request, form)
    return render(
        request, "liff_forms/settings.html", {"settings_form": settings_form, "form_obj": form}
    )


@require_http_methods(["GET", "POST"])
def form_create_page(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    return _settings_page(request, None)


@require_http_methods(["GET", "POST"])
def form_edit_page(
    request: HttpRequest, workspace_slug: str, account_slug: str, form_id: int
) -> HttpResponse:
    return _settings_page(request, form_or_404(request, form_id))


@require_POST
def form_delete_page(
    request: HttpRequest, workspace_slug: str, account_slug: str, form_id: int
) -> HttpResponse:
    form = form_or_404(request, form_id)
    require(request, EDIT)
    services.form_delete(form=form)
    messages.success(request, _("Form “%(title)s” deleted.") % {"title": form.title})
    return redirect("form_list", workspace_slug=workspace_slug, account_slug=account_slug)


def _question_page(request: HttpRequest, form: Form, question: Question | None) -> HttpResponse:
    require(request, EDIT)
    account = request.account
    bound = request.POST if request.method == "POST" else None
    question_form = QuestionForm(bound, account=account)
    if question is not None and bound is None:
        question_form = QuestionForm(
            initial=QuestionForm.initial_of(question, question_form.tag_names), account=account
        )
    if request.method == "POST" and question_form.is_valid():
        try:
            services.question_save(form=form, data=question_form.to_input(), question=question)
        except ValidationError as exc:
            _add_errors(question_form, exc)
        else:
            messages.success(request, _("Question saved."))
            return to_form(request, form)
    return render(
        request,
        "liff_forms/question.html",
        {"form_obj": form, "question": question, "question_form": question_form},
    )


def _add_errors(question_form: QuestionForm, exc: ValidationError) -> None:
    """The service's errors under their fields (a question count limit above the form)."""
    if not hasattr(exc, "error_dict"):
        question_form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        question_form.add_error(name if name in question_form.fields else None, errors)


@require_http_methods(["GET", "POST"])
def question_create_page(
    request: HttpRequest, workspace_slug: str, account_slug: str, form_id: int
) -> HttpResponse:
    return _question_page(request, form_or_404(request, form_id), None)


@require_http_methods(["GET", "POST"])
def question_edit_page(
    request: HttpRequest, workspace_slug: str, account_slug: str, form_id: int, question_id: int
) -> HttpResponse:
    form = form_or_404(request, form_id)
    return _question_page(request, form, question_or_404(form, question_id))


@require_POST
def question_delete_page(
    request: HttpRequest, workspace_slug: str, account_slug: str, form_id: int, question_id: int
) -> HttpResponse:
    form = form_or_404(request, form_id)
    question = question_or_404(form, question_id)
    require(request, EDIT)
    services.question_delete(question=question)
    messages.success(request, _("Question deleted."))
    return to_form(request, form)


@require_POST
def question_move_page(
    request: HttpRequest, workspace_slug: str, account_slug: str, form_id: int, question_id: int
) -> HttpResponse:
    form = form_or_404(request, form_id)
    question = question_or_404(form, question_id)
    require(request, EDIT)
    services.question_move(question=question, up=request.POST.get("direction") != "down")
    return to_form(request, form)
