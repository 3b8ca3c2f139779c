"""A/B variants through the API and the pages: creating them (errors per field path), the
composer adding and removing variants with htmx, results with the verdict, and "send the winner
to the rest" end to end: follow-up draft, approval, scheduling, and a send that reaches exactly
the friends who waited."""

from __future__ import annotations

import pytest

from broadcasts.models import Broadcast, BroadcastVariant, Click, Delivery, HeldBack
from tests.broadcasts.api.test_broadcasts import api, url
from tests.broadcasts.conftest import everyone_segment, make_friends
from tests.broadcasts.test_sending import run_to_end
from tests.broadcasts.views.test_pages import composer_data, page
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
Status = Broadcast.Status


def arms(*texts: str) -> list[dict]:
    return [
        {"name": f"Arm {n}", "messages": [{"type": "text", "text": text}]}
        for n, text in enumerate(texts)
    ]


def test_api_creates_variants_with_even_shares(account, marketer):
    segment = everyone_segment(account)
    response = api(marketer).post(
        url(account),
        {
            "name": "Subject test",
            "audience": {"segment": segment.pk},
            "variants": arms("one", "two", "three"),
            "variant_test_percent": 20,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [(v["label"], v["name"], v["share"]) for v in body["variants"]] == [
        ("A", "Arm 0", 34),
        ("B", "Arm 1", 33),
        ("C", "Arm 2", 33),
    ]
    assert body["messages"] == [{"type": "text", "text": "one"}]
    assert body["variant_test_percent"] == 20
    # A PUT of what GET returned (messages repeat the first variant's) is accepted.
    again = api(marketer).put(
        url(account, "api_broadcast_detail", body["id"]),
        {**body, "audience": {"segment": segment.pk}},
        format="json",
    )
    assert again.status_code == 200, again.json()
    assert BroadcastVariant.unscoped.filter(broadcast_id=body["id"]).count() == 3


def test_api_reports_variant_problems_by_field_path(account, marketer):
    segment = everyone_segment(account)
    bad = arms("one", "two")
    bad[1]["messages"] = [{"type": "sticker", "packageId": "1"}]
    bad[0]["share"], bad[1]["share"] = 80, 30
    response = api(marketer).post(
        url(account),
        {"name": "Bad", "audience": {"segment": segment.pk}, "variants": bad},
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields["variants[1].messages"] == ["Bubble 1: 'stickerId' is a required property"]
    assert "add up to 110%" in fields["variants"][0]
    mismatch = api(marketer).post(
        url(account),
        {
            "name": "Mismatch",
            "audience": {"segment": segment.pk},
            "variants": arms("one", "two"),
            "messages": [{"type": "text", "text": "other"}],
        },
        format="json",
    )
    assert "leave out messages" in mismatch.json()["error"]["fields"]["messages"][0]


def test_composer_adds_and_removes_variants_with_htmx(account, marketer):
    client = client_for(marketer)
    added = client.post(
        page(account, "broadcast_new"),
        {**composer_data(bubble_1_text="First"), "variant_action": "add"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="broadcast-variants",
    )
    body = added.content.decode()
    assert added.status_code == 200
    assert body.lstrip().startswith('<div id="broadcast-variants">')
    assert 'name="variant_2_bubble_1_text"' in body
    assert 'name="variant_count" value="2"' in body
    assert 'name="variant_test_percent"' in body and "Add another variant" in body
    assert 'hx-swap-oob="true"' in body  # the preview follows: one phone per variant
    assert body.count('data-testid="chat-preview"') == 2
    assert "First" in body  # variant A's typed text survives
    removed = client.post(
        page(account, "broadcast_new"),
        {
            **composer_data(bubble_1_text="First"),
            "variant_count": "2",
            "variant_1_name": "A",
            "variant_2_name": "B",
            "variant_2_bubble_1_type": "text",
            "variant_2_bubble_1_text": "Second",
            "variant_action": "remove-1",
        },
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="broadcast-variants",
    )
    body = removed.content.decode()
    assert 'name="variant_count" value="1"' in body
    assert 'name="variant_test_percent"' not in body and "Add an A/B variant" in body
    assert "Second" in body and "First" not in body  # B moved up into the only set


def test_composer_saves_variants_and_explains_the_audience_refusal(account, marketer):
    segment = everyone_segment(account)
    data = {
        **composer_data(bubble_1_text="Hello A"),
        "variant_count": "2",
        "variant_1_name": "Short",
        "variant_2_name": "Long",
        "variant_2_bubble_1_type": "text",
        "variant_2_bubble_1_text": "Hello B, a longer text",
        "variant_test_percent": "30",
    }
    client = client_for(marketer)
    refused = client.post(page(account, "broadcast_new"), data)
    assert refused.status_code == 400
    assert 'id="id_audience_kind_error"' in refused.content.decode()
    assert "A/B variants need a saved segment" in refused.content.decode()
    saved = client.post(
        page(account, "broadcast_new"),
        {**data, "audience_kind": "segment", "segment": str(segment.pk)},
    )
    assert saved.status_code == 302
    broadcast = Broadcast.unscoped.get()
    assert broadcast.variant_test_percent == 30
    assert [
        (v.name, v.share, v.messages[0]["text"])
        for v in BroadcastVariant.unscoped.filter(broadcast=broadcast)
    ] == [("Short", 50, "Hello A"), ("Long", 50, "Hello B, a longer text")]
    edit = client.get(page(account, "broadcast_edit", broadcast.pk)).content.decode()
    assert "Hello B, a longer text" in edit and 'value="Long"' in edit


def _click_for(friend_ids: list[int], broadcast: Broadcast) -> None:
    for friend_id, variant_id in Delivery.unscoped.filter(
        broadcast=broadcast, friend_id__in=friend_ids
    ).values_list("friend_id", "variant_id"):
        Click.unscoped.create(
            account=broadcast.account,
            broadcast=broadcast,
            friend_id=friend_id,
            variant_id=variant_id,
            url="https://shop.example/sale",
        )


def test_send_the_winner_to_the_rest_end_to_end(
    account, rules, line, marketer, admin_user, viewer, scope
):
    friends = make_friends(account, 1000)
    segment = everyone_segment(account)
    writer, reviewer = api(marketer), api(admin_user)
    created = writer.post(
        url(account),
        {
            "name": "Subject test",
            "audience": {"segment": segment.pk},
            "variants": arms("Plain https://shop.example/sale", "Emoji https://shop.example/sale"),
            "variant_test_percent": 30,
            "holdout_percent": 10,
        },
        format="json",
    ).json()
    writer.post(url(account, "api_broadcast_submit", created["id"]))
    reviewer.post(url(account, "api_broadcast_approve", created["id"]), {}, format="json")
    writer.post(
        url(account, "api_broadcast_schedule", created["id"]), {"send_at": None}, format="json"
    )
    parent = run_to_end(Broadcast.unscoped.get(pk=created["id"]))
    assert parent.status == Status.SENT
    a, b = BroadcastVariant.unscoped.filter(broadcast=parent).order_by("position")
    got_a = list(Delivery.unscoped.filter(variant=a).values_list("friend_id", flat=True))
    got_b = list(Delivery.unscoped.filter(variant=b).values_list("friend_id", flat=True))
    _click_for(got_a[:5] + got_b[:40], parent)  # B clearly ahead
    detail = writer.get(url(account, "api_broadcast_detail", parent)).json()
    results = detail["variant_results"]
    assert results["leader"] == b.pk and results["significant"] is True
    row_b = results["variants"][1]
    assert (row_b["delivered"], row_b["unique_clicks"]) == (len(got_b), 40)
    low, high = row_b["interval"]
    assert low < 40 / len(got_b) < high
    waiting = set(
        HeldBack.unscoped.filter(
            broadcast=parent, reason=HeldBack.Reason.AWAITING_WINNER
        ).values_list("friend_id", flat=True)
    )
    holdout = set(
        HeldBack.unscoped.filter(broadcast=parent, reason=HeldBack.Reason.HOLDOUT).values_list(
            "friend_id", flat=True
        )
    )
    assert results["waiting_for_winner"] == len(waiting) > 500

    # A viewer may not; a marketer creates the follow-up with the leader by default.
    assert (
        api(viewer).post(url(account, "api_broadcast_send_winner", parent), {}, format="json")
    ).status_code == 403
    followup = writer.post(url(account, "api_broadcast_send_winner", parent), {}, format="json")
    assert followup.status_code == 201, followup.json()
    followup = followup.json()
    assert (followup["status"], followup["winner_of"], followup["winner_variant"]) == (
        "draft",
        parent.pk,
        b.pk,
    )
    assert followup["messages"] == b.messages
    again = writer.post(url(account, "api_broadcast_send_winner", parent), {}, format="json")
    assert again.status_code == 409
    # It goes through the normal flow and reaches exactly the friends who waited.
    writer.post(url(account, "api_broadcast_submit", followup["id"]))
    reviewer.post(url(account, "api_broadcast_approve", followup["id"]), {}, format="json")
    writer.post(
        url(account, "api_broadcast_schedule", followup["id"]), {"send_at": None}, format="json"
    )
    line.received.clear()
    parent_pushes = len(line.server.calls("pushMessage"))
    sent = run_to_end(Broadcast.unscoped.get(pk=followup["id"]))
    # The winner has a tracked link and keeps the parent's click attribution (per friend, the
    # default): one push per friend, so each click names the friend.
    assert (sent.status, sent.method, sent.recipients) == (Status.SENT, "push", len(waiting))
    by_id = {f.pk: f.line_user_id for f in friends}
    assert set(line.received) == {by_id[pk] for pk in waiting}
    assert not set(line.received) & {by_id[pk] for pk in holdout | set(got_a) | set(got_b)}
    pushes = [call.json() for call in line.server.calls("pushMessage")[parent_pushes:]]
    assert len(pushes) == len(waiting)
    assert all(push["messages"][0]["text"].startswith("Emoji http") for push in pushes)
    assert all("/r/" in push["messages"][0]["text"] for push in pushes)  # tracked


def test_results_and_winner_action_on_the_page(account, rules, line, marketer, viewer, scope):
    make_friends(account, 300)
    segment = everyone_segment(account)
    created = (
        api(marketer)
        .post(
            url(account),
            {
                "name": "Page test",
                "audience": {"segment": segment.pk},
                "variants": arms("A text", "B text"),
                "variant_test_percent": 50,
            },
            format="json",
        )
        .json()
    )
    Broadcast.unscoped.filter(pk=created["id"]).update(status=Status.SCHEDULED)
    parent = run_to_end(Broadcast.unscoped.get(pk=created["id"]))
    a, b = BroadcastVariant.unscoped.filter(broadcast=parent).order_by("position")
    got_a = list(Delivery.unscoped.filter(variant=a).values_list("friend_id", flat=True))
    got_b = list(Delivery.unscoped.filter(variant=b).values_list("friend_id", flat=True))
    _click_for(got_a[:7] + got_b[:6], parent)
    detail = page(account, "broadcast_detail", parent.pk)
    body = client_for(viewer).get(detail).content.decode()
    assert 'data-testid="ab-results"' in body
    assert "No significant difference yet" in body
    assert 'data-testid="send-winner"' not in body  # viewers cannot act
    assert (
        client_for(viewer).post(page(account, "broadcast_send_winner", parent.pk)).status_code
        == 403
    )
    marketer_page = client_for(marketer).get(detail).content.decode()
    assert 'data-testid="send-winner"' in marketer_page
    # The marketer picks B although A leads: the choice is theirs.
    response = client_for(marketer).post(
        page(account, "broadcast_send_winner", parent.pk), {"variant": str(b.pk)}
    )
    followup = Broadcast.unscoped.get(winner_of=parent)
    assert response.status_code == 302
    assert response["Location"] == page(account, "broadcast_detail", followup.pk)
    assert (followup.winner_variant, followup.messages, followup.status) == (
        b,
        b.messages,
        Status.DRAFT,
    )
    followup_page = client_for(marketer).get(response["Location"]).content.decode()
    assert 'data-testid="winner-of"' in followup_page
    parent_page = client_for(marketer).get(detail).content.decode()
    assert 'data-testid="ab-followup"' in parent_page
    assert 'data-testid="send-winner"' not in parent_page


def test_cost_panel_estimates_the_tested_share(account, rules, line, marketer):
    make_friends(account, 400)
    segment = everyone_segment(account)
    created = (
        api(marketer)
        .post(
            url(account),
            {
                "name": "Estimate",
                "audience": {"segment": segment.pk},
                "variants": arms("a", "b"),
                "variant_test_percent": 25,
                "holdout_percent": 20,
            },
            format="json",
        )
        .json()
    )
    body = (
        client_for(marketer)
        .get(
            page(account, "broadcast_detail", created["id"]),
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="broadcast-cost",
        )
        .content.decode()
    )
    # 400 reachable, 20% holdout, 25% of the remaining 320 tested.
    assert "A/B test: about 80 friends get a variant now" in body
