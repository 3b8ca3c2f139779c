"""Forms in a real browser: a marketer builds a form from the nav (a malformed LIFF ID is
shown under its field, then the form is saved), adds a choice question, and the public page
asks a visitor outside LINE to open it in LINE, with no JavaScript error on the console's pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from liff_forms.models import Form, Question
from tests.conftest import PASSWORD, make_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, workspace):
    make_member(workspace, "marketer", email="marketer@alpha.example")
    page.goto("/auth/login/")
    page.get_by_label("E-mail address").fill("marketer@alpha.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/w/alpha/**")


def test_build_a_form_then_open_its_public_page(page, workspace, account, settings, live_server):
    settings.PUBLIC_BASE_URL = live_server.url  # the LIFF endpoint URL the page shows
    log_in(page, workspace)
    page.goto(f"/w/{workspace.slug}/oa/{account.slug}/")
    page.get_by_test_id("nav-forms").click()
    expect(page.get_by_test_id("forms-empty")).to_be_visible()
    page.get_by_test_id("form-new").click()
    page.get_by_label("Title").fill("Welcome survey")
    page.get_by_label("LIFF ID").fill("1657000000")
    page.get_by_label("LINE Login channel ID").fill("1657000000")
    page.get_by_test_id("form-save").click()
    error = page.get_by_test_id("field-error")
    expect(error).to_have_count(1)
    expect(error).to_contain_text("LIFF ID looks like")
    assert not Form.unscoped.exists()

    page.get_by_label("LIFF ID").fill("1657000000-AbCdEfGh")
    page.get_by_test_id("form-save").click()
    page.wait_for_url(re.compile(r"/forms/\d+/$"))
    expect(page.get_by_test_id("form-status")).to_have_text("Open")

    page.get_by_test_id("question-new").click()
    # The editor shows the fields of the chosen kind only.
    page.get_by_label("Kind").select_option("text")
    expect(page.get_by_test_id("question-field-options")).to_be_hidden()
    expect(page.get_by_test_id("question-field-min_value")).to_be_hidden()
    page.get_by_label("Kind").select_option("number")
    expect(page.get_by_test_id("question-field-min_value")).to_be_visible()
    expect(page.get_by_test_id("question-field-options")).to_be_hidden()
    page.get_by_label("Kind").select_option("single")
    expect(page.get_by_test_id("question-field-options")).to_be_visible()
    expect(page.get_by_test_id("question-field-max_value")).to_be_hidden()
    page.get_by_label("Question").fill("Coffee or tea?")
    page.get_by_label("Options").fill("Coffee\nTea")
    page.get_by_test_id("question-save").click()
    expect(page.get_by_test_id("form-question")).to_have_count(1)
    assert Question.unscoped.get().options[1]["label"] == "Tea"
    assert page.js_errors == []

    # Outside LINE (this browser has no LINE login and cannot reach LINE), the page says to
    # open the form in LINE instead of showing questions it could not send.
    public_url = page.get_by_test_id("form-public-url").inner_text()
    page.context.route("https://*.line.me/**", lambda route: route.abort())
    page.context.route("https://*.line-scdn.net/**", lambda route: route.abort())
    page.goto(public_url)
    expect(page.get_by_test_id("liff-open-in-line")).to_be_visible()
    expect(page.get_by_test_id("liff-form")).to_be_hidden()
