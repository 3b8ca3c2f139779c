"""What every Forms page shares: the form of the URL (404 across tenants) and the redirects."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect

from liff_forms.models import Form, Question
from liff_forms.selectors.forms import form_get, question_get
from oa_console.permissions import can
from oa_console.roles import Capability

EDIT = Capability.EDIT_SEGMENTS  # forms write friends' attributes and tags, as segments do


def may_edit(request: HttpRequest) -> bool:
    return can(request, EDIT)


def form_or_404(request: HttpRequest, form_id: int) -> Form:
    form = form_get(account=request.account, form_id=form_id)
    if form is None:
        raise Http404
    return form


def question_or_404(form: Form, question_id: int) -> Question:
    question = question_get(form=form, question_id=question_id)
    if question is None:
        raise Http404
    return question


def to_form(request: HttpRequest, form: Form) -> HttpResponseRedirect:
    return redirect(
        "form_detail",
        workspace_slug=request.workspace.slug,
        account_slug=request.account.slug,
        form_id=form.pk,
    )
