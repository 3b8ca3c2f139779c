"""The cart-abandonment journey from end to end, as a brand lives it: an admin starts it from
its template, rewrites the reminder over htmx, submits and activates it; the shop's backend
posts a ``cart_abandoned`` event to the custom events API with its key; the runner and the
sender run (here in the test process, the clock advanced past the 1-hour wait instead of
sleeping); the fake LINE server receives the reminder for that friend; and the journey's page
shows the send on its flow and in its funnel, and the friend's page shows it in their timeline.
"""

from __future__ import annotations

import json
import urllib.request
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from journeys.engine.runner import enrolments_advance_due
from journeys.engine.sending import journey_sends_deliver
from journeys.models import Enrolment, Journey
from oa_console.activity.draining import activity_drain
from oa_console.roles import Role
from oa_console.services.api_keys import api_key_create
from segments.models import SendingRules
from tests.browser.sign_in import log_in
from tests.browser.tour.checks import ALL_CHARTS_DRAWN_JS
from tests.celery_worker import wait_for
from tests.conftest import PASSWORD, make_member
from tests.fakes.line_sending import SendingScript
from tests.fakes.line_server import fake_line  # noqa: F401  (fixture)
from tests.segments.factories import FriendFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REMINDER = "{displayName}, your cart misses you: {event.checkout_url}"
CHECKOUT = "https://shop.example/checkout/C42"


def _post_event(live_server, account, key: str, friend) -> dict:
    """What the shop's backend does: one ``cart_abandoned`` event, authenticated by its key."""
    body = {
        "events": [
            {
                "friend": {"line_user_id": friend.line_user_id},
                "name": "cart_abandoned",
                "occurred_at": timezone.now().isoformat(),
                "idempotency_key": "cart-C42",
                "properties": {
                    "cart_id": "C42",
                    "items": [
                        {
                            "name": "Sencha 100 g",
                            "price": 1800,
                            "image_url": "https://shop.example/sencha.jpg",
                            "url": "https://shop.example/sencha",
                        }
                    ],
                    "total": 1800,
                    "checkout_url": CHECKOUT,
                },
            }
        ]
    }
    request = urllib.request.Request(
        f"{live_server.url}/api/v1/accounts/{account.pk}/events/",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def test_cart_abandonment_from_template_to_the_reminder_and_its_stats(
    page,
    live_server,
    workspace,
    account,
    fake_line,  # noqa: F811
):
    SendingScript().install(fake_line)
    SendingRules.unscoped.create(account=account, quiet_enabled=False)
    make_member(workspace, Role.ADMIN, email="admin@alpha.example")
    friend = FriendFactory(account=account, display_name="Aiko")
    _key, raw_key = api_key_create(workspace=workspace, name="shop", role=Role.MARKETER)
    activity_drain()  # the journeys' cursors start here, as on a running console
    base = f"/w/alpha/oa/{account.slug}/journeys/"

    # The admin starts the journey from the "Cart abandonment" template.
    log_in(page, "admin@alpha.example")
    page.goto(base)
    page.get_by_role("button", name="New journey").click()
    card = page.get_by_test_id("starter-cart_abandonment")
    expect(card.get_by_role("heading")).to_have_text("Cart abandonment")
    card.get_by_label("Name").fill("Cart reminders")
    card.get_by_role("button", name="Use this template").click()
    page.wait_for_url("**/edit/")
    flow = page.get_by_test_id("journey-flow")
    expect(flow.locator("#flow-node-wait_1h")).to_contain_text("1 hour")
    expect(flow.locator("#flow-node-reminder")).to_contain_text("Cart reminder")

    # The reminder's text is rewritten in the builder, over htmx.
    flow.locator("#flow-node-reminder").get_by_test_id("edit-step").click()
    editor = page.get_by_test_id("editor")
    editor.get_by_label("Content of message 1").fill(REMINDER)
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_test_id("editor")).to_have_count(0)
    journey = Journey.unscoped.get(account=account, name="Cart reminders")
    assert journey.draft_graph["nodes"]["reminder"]["messages"][0]["text"] == REMINDER

    # Submitted, then activated by the admin on the journey's page.
    page.goto(f"{base}{journey.pk}/")
    page.get_by_test_id("submit").click()
    expect(page.get_by_text("Submitted: an admin can now activate it.")).to_be_visible()
    page.get_by_test_id("activate").click()
    expect(page.get_by_text("Active: friends who meet its trigger now enter it.")).to_be_visible()
    journey.refresh_from_db()
    assert journey.status == Journey.Status.ACTIVE

    # The shop posts the abandoned cart; the hub hands it to the journey's trigger. On
    # PostgreSQL the hub reads an event once every transaction older than it has ended (any
    # on the server), so it is drained until the journey has it.
    assert _post_event(live_server, account, raw_key, friend)["accepted"] == 1

    def enrolled() -> bool:
        activity_drain()
        return Enrolment.unscoped.filter(journey=journey, friend=friend).exists()

    wait_for(enrolled, "the hub to hand the event to the journey")
    enrolment = Enrolment.unscoped.get(journey=journey, friend=friend)

    # The runner starts the 1-hour wait; an hour later it reaches the reminder and the sender
    # pushes it (the clock is advanced, not slept through).
    enrolments_advance_due(now=timezone.now())
    enrolment.refresh_from_db()
    assert (enrolment.node_id, enrolment.state) == ("wait_1h", "waiting")
    assert fake_line.calls("pushMessage") == []
    later = enrolment.next_run_at + timedelta(seconds=1)
    enrolments_advance_due(now=later)
    # The send is planned once no other friend has joined its group for the 3 s window.
    assert journey_sends_deliver(now=later + timedelta(seconds=4)) == 1
    (push,) = fake_line.calls("pushMessage")
    text, carousel = push.json()["messages"]
    assert push.json()["to"] == friend.line_user_id
    # The checkout link goes through the console's click redirect (the template tracks
    # clicks per friend), which sends the friend on to the cart.
    greeting, link = text["text"].rsplit(" ", 1)
    assert greeting == "Aiko, your cart misses you:"
    redirect = Client().get(urlsplit(link).path)
    assert (redirect.status_code, redirect["Location"]) == (302, CHECKOUT)
    bubble = carousel["contents"]["contents"][0]
    assert bubble["body"]["contents"][0]["text"] == "Sencha 100 g"

    # The journey's page: the send counted on the reminder's card and in the funnel.
    page.goto(f"{base}{journey.pk}/")
    summary = page.get_by_test_id("journey-summary")
    expect(summary.locator("div", has_text="Enrolled")).to_contain_text("1")
    reminder = page.locator("#flow-node-reminder")
    expect(reminder.locator(".flow-figures div", has_text="Sent")).to_have_text("Sent1")
    expect(reminder.locator(".flow-figures div", has_text="Entered")).to_have_text("Entered1")
    waiting = page.locator("#flow-node-wait_24h .flow-figures div", has_text="Waiting now")
    expect(waiting).to_have_text("Waiting now1")
    funnel = page.get_by_test_id("journey-funnel")
    # The funnel's bars, drawn by Plotly: the reminder's bar is labelled with its step.
    page.wait_for_function(ALL_CHARTS_DRAWN_JS)
    expect(funnel.locator(".js-plotly-plot")).to_contain_text("Cart reminder")
    expect(funnel.get_by_test_id("funnel-csv")).to_be_visible()
    with page.expect_download() as download:
        funnel.get_by_test_id("funnel-csv").click()
    rows = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    assert any(row.startswith("reminder,Cart reminder,1,") for row in rows), rows

    # The friend's page: the journey's timeline, the reminder sent.
    page.goto(f"/w/alpha/oa/{account.slug}/friends/{friend.line_user_id}/")
    timeline = page.get_by_test_id("friend-journey")
    expect(timeline.get_by_role("link", name="Cart reminders")).to_be_visible()
    steps = timeline.get_by_test_id("friend-journey-step")
    expect(steps.filter(has_text="Sent: Cart reminder")).to_have_count(1)
    assert page.js_errors == []


@pytest.mark.browser_db_neutral  # a page's layout; the journey above reaches the hub and sends
def test_the_secrets_page_at_a_phone_width_in_japanese(browser, live_server, workspace, account):
    """At 390 px in Japanese the header's "New journey" button wrapped under the title and
    touched the text below it, and "削除" (Delete) broke onto two lines in its narrow column."""
    from django.conf import settings

    from journeys.models import WebhookSecret

    make_member(workspace, Role.ADMIN, email="admin@alpha.example")
    WebhookSecret.unscoped.create(account=account, name="Shop backend", secret="s" * 40)
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 390, "height": 844}
    )
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ja", "url": live_server.url}]
    )
    page = context.new_page()
    page.goto("/auth/login/")
    page.fill("input[name=username]", "admin@alpha.example")
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/w/alpha/**")
    page.goto(f"/w/alpha/oa/{account.slug}/journeys/secrets/")
    header = page.locator(".page-header").bounding_box()
    text = page.locator(".page-header + p").bounding_box()
    assert text["y"] - (header["y"] + header["height"]) >= 8
    delete = page.get_by_test_id("secret-delete")
    expect(delete).to_have_text("削除")
    # One box per line the word is laid out on.
    lines = delete.evaluate(
        "button => { const range = document.createRange(); range.selectNodeContents(button);"
        " return range.getClientRects().length; }"
    )
    assert lines == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
