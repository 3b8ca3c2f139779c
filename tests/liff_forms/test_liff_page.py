"""The public LIFF page: the questions for phones, the LIFF SDK from our static files, and
answers stored only for an ID token LINE confirms for the form's LINE Login channel."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from liff_forms.models import Form, Submission
from oa_console.activity.models import Activity
from tests.fakes.line_id_tokens import VERIFY, IdTokenScript
from tests.fakes.line_server import fake_line  # noqa: F401  (fixture)
from tests.liff_forms.helpers import CHANNEL_ID, build_form, raw_answers

pytestmark = pytest.mark.django_db
USER = "U" + "b" * 32


@pytest.fixture
def tokens(fake_line):  # noqa: F811
    return IdTokenScript().install(fake_line)


@pytest.fixture
def form(account, scope):
    return build_form(account)


def _url(form: Form) -> str:
    return reverse("liff_form", kwargs={"form_key": form.public_key})


def _post(form: Form, token: str, **answers):
    data = {"id_token": token, **raw_answers(form, **answers)}
    return Client().post(_url(form), data)


def test_the_page_renders_every_question_and_loads_liff_from_our_static_files(form):
    page = Client().get(_url(form))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-liff-id="1657000000-AbCdEfGh"' in html
    assert "liff_forms/vendor/liff.min.js" in html
    assert html.count('data-testid="liff-question"') == 6
    # Outside LINE the script shows this box instead of the form.
    assert 'data-testid="liff-open-in-line"' in html
    assert "https://liff.line.me/1657000000-AbCdEfGh" in html
    csp = page["Content-Security-Policy"]
    assert "https://api.line.me" in csp
    # Our SDK file, plus only the extensions the SDK loads from LINE's CDN (the header's
    # directives come in no fixed order).
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["script-src"] == "'self' https://static.line-scdn.net"


def test_a_verified_token_stores_the_answers_for_its_user(form, tokens, fake_line):  # noqa: F811
    token = tokens.issue(USER, CHANNEL_ID)
    page = _post(form, token, Drink="0", Newsletter="on", Favourite="Latte")
    assert page.status_code == 200
    assert 'data-testid="liff-thanks"' in page.content.decode()
    submission = Submission.unscoped.get()
    assert submission.friend.line_user_id == USER
    (call,) = fake_line.calls(VERIFY)
    assert call.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded")
    assert f"client_id={CHANNEL_ID}" in call.body.decode()


@pytest.mark.parametrize("case", ["forged", "expired", "other channel", "missing"])
def test_a_token_line_refuses_stores_nothing_and_says_so(form, tokens, case):
    token = {
        "forged": "eyJforged",
        "expired": tokens.issue(USER, CHANNEL_ID),
        "other channel": tokens.issue(USER, "1999999999"),
        "missing": "",
    }[case]
    if case == "expired":
        tokens.expire(token)
    page = _post(form, token, Drink="0", Newsletter="on")
    assert page.status_code == 403
    html = page.content.decode()
    assert 'data-testid="liff-problem"' in html
    assert "could not be confirmed" in html
    assert not Submission.unscoped.exists()
    assert not Activity.unscoped.filter(kind="form_answered").exists()


def test_line_not_answering_asks_to_send_again_and_stores_nothing(form, tokens, fake_line):  # noqa: F811
    fake_line.fail_next(VERIFY, 500)
    page = _post(form, tokens.issue(USER, CHANNEL_ID), Drink="0", Newsletter="on")
    assert page.status_code == 503
    assert "send the form again" in page.content.decode()
    assert not Submission.unscoped.exists()


def test_refused_answers_come_back_under_their_questions_with_the_values_kept(form, tokens):
    page = _post(form, tokens.issue(USER, CHANNEL_ID), Drink="1", Rating="12", Favourite="Tea")
    assert page.status_code == 200  # a form with its errors in place, as the console's pages
    html = page.content.decode()
    assert html.count('data-testid="field-error"') == 2  # the rating, the consent
    assert "5 or less" in html and "Tick the box" in html
    assert ">Tea</textarea>" in html
    assert 'value="1" checked' in html
    assert not Submission.unscoped.exists()


def test_a_closed_form_says_so(form):
    Form.unscoped.filter(pk=form.pk).update(status=Form.Status.CLOSED)
    page = Client().get(_url(form))
    assert 'data-testid="liff-closed"' in page.content.decode()
    assert 'data-testid="liff-form"' not in page.content.decode()


def test_an_unknown_key_is_404(db):
    assert Client().get(reverse("liff_form", kwargs={"form_key": "nope"})).status_code == 404


def test_too_many_sends_from_one_address_stop_before_asking_line(
    form,
    tokens,
    fake_line,  # noqa: F811
    monkeypatch,
):
    monkeypatch.setattr("liff_forms.views.public.SENDS_PER_ADDRESS", 1)
    assert (
        _post(form, tokens.issue(USER, CHANNEL_ID), Drink="0", Newsletter="on").status_code == 200
    )
    again = _post(form, tokens.issue(USER, CHANNEL_ID), Drink="1", Newsletter="on")
    assert again.status_code == 429
    assert "Too many attempts" in again.content.decode()
    assert len(fake_line.calls(VERIFY)) == 1
    assert Submission.unscoped.get().answers.get(question__label="Drink").choices == [0]
