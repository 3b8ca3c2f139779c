"""The public LIFF page of a form (``/liff/<key>/``), opened by friends inside LINE; no login.

GET renders the questions. The page's script (static/liff_forms/liff_form.js) starts the LIFF
SDK (vendored in static/liff_forms/vendor/), puts LIFF's ID token into the form and enables
it; outside LINE, without a LINE login, it asks the friend to open the form in LINE instead.
POST verifies the token with LINE (``oa_console.line.id_tokens``) before anything else: a
forged, expired or other channel's token stores nothing and says so on the page. Answers that
do not fit their questions come back with the message under each question.
"""

from __future__ import annotations

from csp.decorators import csp_update
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from liff_forms.models import Form
from liff_forms.selectors.forms import demo_answering_friend, form_get_public, form_questions
from liff_forms.services.submissions import (
    AnswersInvalid,
    FormClosed,
    field_name,
    submission_record,
)
from oa_console.line import clients
from oa_console.line.id_tokens import id_token_verify, simulated_id_token
from oa_console.throttle import client_address, within_limit
from segments.services.campaigns import add_friend_url

# Sending is open to anyone holding the page's address, and each send asks LINE to verify a
# token: one address may send a form this many times per window (a person answers a few times).
SENDS_PER_ADDRESS, SEND_WINDOW_SECONDS = 20, 600

# What the LIFF SDK needs from the page, and nothing more: LINE's API and LINE Login (liff.init,
# the ID token), the SDK's runtime configuration, and the platform extensions the SDK itself
# loads from LINE's CDN on start (``static.line-scdn.net/liff/edge/2/*-extensions_*.js``; the
# SDK proper is our static file). liff.login's redirects are navigations, not requests.
LIFF_CSP = {
    "script-src": ["https://static.line-scdn.net"],
    "connect-src": [
        "https://api.line.me",
        "https://access.line.me",
        "https://liff.line.me",
        "https://liffsdk.line-scdn.net",
    ],
}


def _context(form: Form, questions, *, values=None, errors=None, **extra) -> dict:
    values, errors = values or {}, errors or {}
    fields = []
    for question in questions:
        name = field_name(question)
        picked = values.getlist(name) if hasattr(values, "getlist") else []
        fields.append(
            {
                "question": question,
                "name": name,
                "value": values.get(name, "") if values else "",
                "picked": {str(p) for p in picked},
                "error": errors.get(name, ""),
                "options": list(enumerate(question.options)),
            }
        )
    return {
        "form_obj": form,
        "fields": fields,
        "add_friend_url": add_friend_url(form.account),
        "demo_token": _demo_token(form),
        **extra,
    }


def _demo_token(form: Form) -> str:
    """Only with the embedded demo's simulated LINE: a token it verifies, for a demo friend
    who has not answered yet, so the form can be tried in a browser without the LINE app."""
    if not clients.simulated_host():
        return ""
    user_id = demo_answering_friend(form=form)
    if not user_id:
        return ""
    return simulated_id_token(user_id=user_id, channel_id=form.login_channel_id)


def _page(request, form, questions, status=200, **context) -> HttpResponse:
    return render(
        request, "liff_forms/liff_page.html", _context(form, questions, **context), status=status
    )


@csp_update(LIFF_CSP)
@require_http_methods(["GET", "POST"])
def liff_form(request: HttpRequest, form_key: str) -> HttpResponse:
    form = form_get_public(public_key=form_key)
    if form is None:
        raise Http404
    questions = form_questions(form=form)
    if not form.is_open:
        return _page(request, form, questions, closed=True)
    if request.method == "GET":
        return _page(request, form, questions)
    if not within_limit(
        scope="liff_form_send",
        subject=f"{client_address(request)} {form.public_key}",
        limit=SENDS_PER_ADDRESS,
        window_seconds=SEND_WINDOW_SECONDS,
    ):
        problem = _("Too many attempts. Nothing was saved: please try again in a few minutes.")
        return _page(request, form, questions, status=429, values=request.POST, problem=problem)
    outcome, verified = id_token_verify(
        id_token=request.POST.get("id_token", ""), channel_id=form.login_channel_id
    )
    if verified is None:
        problem = (
            _("LINE did not answer. Nothing was saved: please send the form again in a moment.")
            if outcome.retry_later
            else _(
                "Your LINE sign-in could not be confirmed (it has expired or is not valid). "
                "Nothing was saved: close this form and open it again from LINE."
            )
        )
        return _page(
            request,
            form,
            questions,
            status=503 if outcome.retry_later else 403,
            values=request.POST,
            problem=problem,
        )
    try:
        submission_record(
            form=form,
            line_user_id=verified.user_id,
            raw=_raw(request, questions),
            questions=questions,
        )
    except FormClosed:
        return _page(request, form, questions, closed=True)
    except AnswersInvalid as exc:
        return _page(
            request,
            form,
            questions,
            values=request.POST,
            errors=exc.errors,
            problem=_("Some answers need your attention."),
        )
    return _page(request, form, questions, thanks=form.thanks_text or _("Thank you for answering!"))


def _raw(request: HttpRequest, questions) -> dict:
    raw = {}
    for question in questions:
        name = field_name(question)
        raw[name] = (
            request.POST.getlist(name) if question.has_options else request.POST.get(name, "")
        )
    return raw
