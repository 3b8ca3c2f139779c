"""The auto-reply pages: the rule form (errors in place, a malformed regex refused), order,
on/off and delete, the rule tester, business hours, who may edit, and isolation."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from inbox.models import AutoReplyHandover, AutoReplyRule, BusinessHours, Conversation
from oa_console.roles import Role
from tests.conftest import client_for, make_member
from tests.factories import LineAccountFactory
from tests.inbox.autoreply_helpers import make_rule
from tests.segments.factories import FriendFactory

pytestmark = pytest.mark.django_db


def _url(account, name: str, *args) -> str:
    return reverse(name, args=[account.workspace.slug, account.slug, *args])


def _rules(account) -> list[tuple[str, int, bool]]:
    return list(
        AutoReplyRule.unscoped.filter(account=account)
        .order_by("priority", "id")
        .values_list("name", "priority", "enabled")
    )


RULE = {
    "name": "Opening hours",
    "kind": "keyword",
    "match": "contains",
    "patterns": "hours\n営業時間",
    "text": "We open at 10:00, {displayName}.",
    "sticker": "446/1988",
    "enabled": "on",
}


def test_a_rule_is_created_from_the_form_with_its_messages(account, marketer):
    response = client_for(marketer).post(_url(account, "auto_reply_create"), RULE)
    assert response.status_code == 302
    rule = AutoReplyRule.unscoped.get(account=account)
    assert (rule.kind, rule.match, rule.patterns, rule.priority) == (
        "keyword",
        "contains",
        ["hours", "営業時間"],
        10,
    )
    assert rule.messages == [
        {"type": "text", "text": "We open at 10:00, {displayName}."},
        {"type": "sticker", "packageId": "446", "stickerId": "1988"},
    ]


def test_a_malformed_regex_is_refused_on_its_field(account, marketer):
    client = client_for(marketer)
    response = client.post(
        _url(account, "auto_reply_create"), {**RULE, "match": "regex", "patterns": "order(\\d+"}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["patterns"]
    assert "not a valid regular expression" in errors["patterns"][0]
    slow = client.post(
        _url(account, "auto_reply_create"), {**RULE, "match": "regex", "patterns": "(a+)+$"}
    )
    assert "repeat inside a repeat" in slow.context["form"].errors["patterns"][0]
    assert 'data-testid="field-error"' in slow.content.decode()
    assert not AutoReplyRule.unscoped.exists()


def test_a_message_line_would_refuse_shows_on_its_field(account, marketer):
    response = client_for(marketer).post(
        _url(account, "auto_reply_create"),
        {**RULE, "text": "", "sticker": "", "more_messages": '[{"type": "flex"}]'},
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["more_messages"]


def test_htmx_gets_the_form_back_with_errors_and_a_redirect_when_saved(account, marketer):
    client = client_for(marketer)
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "rule-form"}
    bad = client.post(_url(account, "auto_reply_create"), {**RULE, "name": ""}, **headers)
    assert bad.status_code == 200 and 'id="rule-form"' in bad.content.decode()
    assert "<html" not in bad.content.decode()
    good = client.post(_url(account, "auto_reply_create"), RULE, **headers)
    assert good["HX-Redirect"] == _url(account, "auto_reply_list")


def test_editing_keeps_the_messages_and_move_toggle_delete(account, marketer):
    first = make_rule(account, "First", "fallback")
    second = make_rule(account, "Second", "greeting")
    client = client_for(marketer)
    page = client.get(_url(account, "auto_reply_edit", first.pk))
    assert page.context["form"].initial["text"] == "First"
    client.post(_url(account, "auto_reply_move", second.pk), {"direction": "up"})
    assert _rules(account) == [("Second", 10, True), ("First", 20, True)]
    client.post(_url(account, "auto_reply_toggle", second.pk))
    assert _rules(account)[0] == ("Second", 10, False)
    client.post(_url(account, "auto_reply_delete", first.pk))
    assert _rules(account) == [("Second", 10, False)]


def test_the_list_is_paginated(account, marketer):
    for number in range(26):
        make_rule(account, f"Rule {number:02}", "fallback")
    body = client_for(marketer).get(_url(account, "auto_reply_list")).content.decode()
    assert body.count('data-testid="rule-row"') == 25
    assert "Rule 24" in body and "Rule 25" not in body
    page2 = client_for(marketer).get(_url(account, "auto_reply_list"), {"page": 2})
    assert page2.content.decode().count('data-testid="rule-row"') == 1


def test_the_rule_kind_column_is_not_the_insights_count_of_answers_in_japanese(account, marketer):
    """ "Answers" is also the Chats insights' count of answers (ja 応答数); the rule list's column
    and the form's field name what a rule answers, with their own context."""
    make_rule(account, "Hello", "greeting")
    client = client_for(marketer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    body = client.get(_url(account, "auto_reply_list")).content.decode()
    header = body[body.index("<thead>") : body.index("</thead>")]
    form = client.get(_url(account, "auto_reply_create")).content.decode()
    with translation.override("ja"):
        kind_header = pgettext("auto-reply kind", "Answers")
        assert gettext("Answers") == "応答数"  # the insights' count keeps its own translation
    assert f"<th>{kind_header}</th>" in header
    assert f'for="id_kind">{kind_header}' in form
    assert "応答数" not in header and "応答数" not in form


def test_the_tester_shows_the_rule_and_its_messages_or_nobody(account, marketer):
    make_rule(
        account,
        "Price",
        "keyword",
        match="contains",
        patterns=["料金"],
        messages=[{"type": "text", "text": "Hi {displayName}, see our prices."}],
    )
    client = client_for(marketer)
    url = _url(account, "auto_reply_list")
    found = client.get(url, {"event": "message", "sample": "料金を教えて"}).content.decode()
    assert "Rule “Price” (Keyword) would answer" in found
    assert "Hi [friend&#x27;s name], see our prices." in found
    none = client.get(
        url,
        {"event": "message", "sample": "hello"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="auto-reply-test",
    ).content.decode()
    assert "No rule: nobody is answered automatically." in none
    assert "<html" not in none


def test_the_tester_decides_business_hours_at_the_chosen_local_time(account, marketer):
    account.time_zone = "Asia/Bangkok"
    account.save()
    BusinessHours.unscoped.create(
        account=account, windows=[{"weekday": 0, "start": "09:00", "end": "17:00"}]
    )
    make_rule(account, "Away", "away")
    make_rule(account, "Fallback", "fallback")
    client = client_for(marketer)
    url = _url(account, "auto_reply_list")
    # 2026-12-07 is a Monday: 16:59 in Bangkok is open, 17:00 is not.
    inside = client.get(url, {"event": "message", "sample": "x", "at": "2026-12-07T16:59"})
    outside = client.get(url, {"event": "message", "sample": "x", "at": "2026-12-07T17:00"})
    assert inside.context["result"]["rule"].name == "Fallback"
    assert outside.context["result"]["rule"].name == "Away"


def test_business_hours_are_saved_and_bad_windows_refused_in_place(account, marketer):
    client = client_for(marketer)
    url = _url(account, "business_hours")
    bad = client.post(url, {"day_0": "18:00-09:00", "closed_dates": "2026-13-01"})
    assert bad.status_code == 400
    assert set(bad.context["form"].errors) == {"day_0", "closed_dates"}
    good = client.post(
        url,
        {"day_0": "09:00-12:00, 13:00-18:00", "day_5": "10:00-24:00", "closed_dates": "2026-12-31"},
    )
    assert good.status_code == 302
    hours = BusinessHours.unscoped.get(account=account)
    assert hours.windows == [
        {"weekday": 0, "start": "09:00", "end": "12:00"},
        {"weekday": 0, "start": "13:00", "end": "18:00"},
        {"weekday": 5, "start": "10:00", "end": "24:00"},
    ]
    assert hours.closed_dates == ["2026-12-31"]
    assert client.get(url).context["form"].initial["day_0"] == "09:00-12:00, 13:00-18:00"


@pytest.mark.parametrize("role", [Role.AGENT, Role.VIEWER])
def test_agents_and_viewers_see_and_test_but_cannot_edit(account, role):
    rule = make_rule(account, "Fallback", "fallback")
    client = client_for(make_member(account.workspace, role))
    listing = client.get(_url(account, "auto_reply_list"), {"event": "follow"})
    assert listing.status_code == 200
    assert 'data-testid="new-rule"' not in listing.content.decode()
    assert client.get(_url(account, "business_hours")).status_code == 200
    assert client.get(_url(account, "auto_reply_create")).status_code == 403
    assert client.post(_url(account, "auto_reply_create"), RULE).status_code == 403
    assert client.post(_url(account, "auto_reply_delete", rule.pk)).status_code == 403
    assert client.post(_url(account, "business_hours"), {"day_0": "09:00-18:00"}).status_code == 403
    assert AutoReplyRule.unscoped.count() == 1 and not BusinessHours.unscoped.exists()


def test_owners_and_admins_edit(account, owner, admin_user):
    for user in (owner, admin_user):
        response = client_for(user).post(_url(account, "auto_reply_create"), RULE)
        assert response.status_code == 302


def test_the_inbox_links_to_auto_replies_and_the_conversation_shows_the_handover(account, owner):
    client = client_for(owner)
    inbox = client.get(reverse("account_inbox", args=[account.workspace.slug, account.slug]))
    assert _url(account, "auto_reply_list") in inbox.content.decode()
    rule = make_rule(account, "Staff please", "fallback", hand_over=True)
    conversation = Conversation.unscoped.create(
        account=account, friend=FriendFactory(account=account), status="open"
    )
    AutoReplyHandover.unscoped.create(
        account=account,
        conversation=conversation,
        rule=rule,
        rule_name=rule.name,
        handed_over_at=timezone.now(),
    )
    url = reverse(
        "conversation_detail", args=[account.workspace.slug, account.slug, conversation.pk]
    )
    assert "Handed over by the auto-reply rule “Staff please”" in client.get(url).content.decode()
    Conversation.unscoped.filter(pk=conversation.pk).update(status="resolved")
    assert "Handed over" not in client.get(url).content.decode()


def test_an_agent_limited_to_one_oa_gets_404_for_another_oas_rules(account, other_account):
    sibling = LineAccountFactory(workspace=account.workspace, slug="sibling-oa")
    theirs = make_rule(sibling, "Theirs", "fallback")
    agent = make_member(account.workspace, Role.AGENT, accounts=[account])
    client = client_for(agent)
    assert client.get(_url(sibling, "auto_reply_list")).status_code == 404
    assert client.get(_url(sibling, "business_hours")).status_code == 404
    api = reverse("api_auto_reply_detail", args=[sibling.pk, theirs.pk])
    assert client.get(api).status_code == 404
    # A client admin of its own OA, with the sibling's rule id: 404 like a missing rule.
    admin = client_for(
        make_member(account.workspace, Role.ADMIN, email="client@x.example", accounts=[account])
    )
    assert admin.post(_url(account, "auto_reply_delete", theirs.pk)).status_code == 404
    assert admin.get(_url(account, "auto_reply_edit", theirs.pk)).status_code == 404
    assert AutoReplyRule.unscoped.filter(pk=theirs.pk).exists()
