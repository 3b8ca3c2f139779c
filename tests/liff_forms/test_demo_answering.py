"""The embedded demo (no LINE app, no internet): the simulated LINE verifies the tokens the
page mints for a demo friend, so a form can be answered in a browser; without the simulator
the page carries no such token and the simulator's tokens are worthless."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from liff_forms.models import Submission
from oa_console.line.id_tokens import simulated_id_token
from tests.liff_forms.helpers import CHANNEL_ID, build_form, raw_answers
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(settings, live_server):
    settings.DEBUG = True
    settings.BROADCASTS_SIMULATED_LINE = True
    settings.PUBLIC_BASE_URL = live_server.url
    settings.LINE_API_HOST = ""
    settings.ROOT_URLCONF = "tests.fakes.simulated_line_urls"


def test_a_demo_form_is_answered_through_the_simulated_line(demo, account, scope):
    friend = FriendFactory(account=account)
    form = build_form(account)
    url = reverse("liff_form", kwargs={"form_key": form.public_key})
    page = Client().get(url).content.decode()
    token = re.search(r'data-demo-token="([^"]+)"', page).group(1)
    answered = Client().post(
        url, {"id_token": token, **raw_answers(form, Drink="1", Newsletter="on")}
    )
    assert 'data-testid="liff-thanks"' in answered.content.decode()
    assert Submission.unscoped.get().friend_id == friend.pk


def test_a_token_the_simulator_did_not_sign_is_refused(demo, account, scope):
    FriendFactory(account=account)
    form = build_form(account)
    forged = simulated_id_token(user_id="U" + "e" * 32, channel_id=CHANNEL_ID)[:-3] + "abc"
    answered = Client().post(
        reverse("liff_form", kwargs={"form_key": form.public_key}),
        {"id_token": forged, **raw_answers(form, Drink="1", Newsletter="on")},
    )
    assert answered.status_code == 403
    assert not Submission.unscoped.exists()


def test_without_the_simulator_no_demo_token_is_offered(account, scope):
    FriendFactory(account=account)
    form = build_form(account)
    page = Client().get(reverse("liff_form", kwargs={"form_key": form.public_key}))
    assert "data-demo-token" not in page.content.decode()
