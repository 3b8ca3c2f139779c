"""The composer's sticker picker (LINE's sticker images, the ids as alt text) and LINE emoji
in a text answer, end to end through the fake LINE server, which refuses an index off a $."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from inbox.models import OutboundAnswer
from inbox.services.answers import answer_deliver
from inbox.views.composer_form import STICKER_PACKAGES
from inbox.views.display import sticker_image_url
from tests.conftest import client_for
from tests.inbox.answering import conversation_to_answer

pytestmark = pytest.mark.django_db


def _url(name, conversation):
    account = conversation.account
    return reverse(name, args=[account.workspace.slug, account.slug, conversation.pk])


def _page(client, conversation):
    return client.get(_url("conversation_detail", conversation))


def test_the_sticker_picker_shows_each_sticker_as_its_image_with_its_ids(account, owner):
    """The picker's stickers come from LINE's sticker CDN (the URL the conversation uses for
    received stickers); the ids are the alt text, and picking one sends that sticker."""
    conversation = conversation_to_answer(account)
    client = client_for(owner)
    body = _page(client, conversation).content.decode()
    picker = body[body.index('data-testid="sticker-picker"') :]
    # The sticker field's own fieldset ends the picker: the coupon picker follows it.
    picker = picker[: picker.rindex("</fieldset>", 0, picker.index("</details>"))]
    option = re.search(
        r'<input type="radio" name="sticker" value="446/1988"[^>]*>(<img [^>]*>)', picker
    )
    assert option, picker[:500]
    assert f'src="{sticker_image_url("1988")}"' in option[1]
    assert 'alt="Sticker 446/1988"' in option[1] and "data-line-fallback" in option[1]
    assert sticker_image_url("1988") == (
        "https://stickershop.line-scdn.net/stickershop/v1/sticker/1988/android/sticker.png"
    )
    images = re.findall(r'<img src="([^"]+)"', picker)
    assert len(images) == sum(len(ids) for ids in STICKER_PACKAGES.values())
    assert all(url.startswith("https://stickershop.line-scdn.net/") for url in images)
    assert '<input type="radio" name="sticker" value=""' in picker  # "No sticker"
    assert "<select" not in picker

    client.post(_url("conversation_answer", conversation), {"sticker": "11537/52002736"})
    answer = OutboundAnswer.unscoped.get()
    assert answer.messages == [{"type": "sticker", "packageId": "11537", "stickerId": "52002736"}]
    # A refused answer keeps the chosen sticker checked.
    again = client.post(
        _url("conversation_answer", conversation), {"sticker": "446/1989", "flex_json": "{"}
    )
    checked = re.search(r'value="446/1989"[^>]*>', again.content.decode())
    assert checked and "checked" in checked[0]


EMOJI_PRODUCT = "5ac1bfd5040ab15980c9b435"


def test_line_emoji_reach_line_on_the_dollars_of_the_text_as_sent(account, owner, line_chat):
    """Each $ the agent typed is the next LINE emoji; the indexes are counted (in UTF-16 units)
    in the text as sent, after the friend's name is filled in: a name with a $ and a 🍣
    before a placeholder neither adds an emoji nor shifts one off its $."""
    conversation = conversation_to_answer(account, name="Ken$🍣")
    client = client_for(owner)
    response = client.post(
        _url("conversation_answer", conversation),
        {
            "text": "Hi {displayName} $ see you $!",
            "emojis": f"{EMOJI_PRODUCT}/001, {EMOJI_PRODUCT}/002",
        },
    )
    assert response.status_code == 302
    answer = OutboundAnswer.unscoped.get()
    answer_deliver(answer_id=answer.pk)

    [request] = [r for r in line_chat.server.requests if r.operation_id == "replyMessage"]
    [sent] = request.json()["messages"]
    assert sent["text"] == "Hi Ken$🍣 $ see you $!"
    assert sent["emojis"] == [
        {"index": 10, "productId": EMOJI_PRODUCT, "emojiId": "001"},
        {"index": 20, "productId": EMOJI_PRODUCT, "emojiId": "002"},
    ]
    units = sent["text"].encode("utf-16-le")
    assert all(
        units[e["index"] * 2 : e["index"] * 2 + 2] == "$".encode("utf-16-le")
        for e in sent["emojis"]
    )
    assert line_chat.server.invalid_requests == []
    # The conversation shows the OA's emoji as images on their $, not as a "$".
    body = _page(client, conversation).content.decode()
    assert f"sticon/{EMOJI_PRODUCT}/android/001.png" in body
    assert f"sticon/{EMOJI_PRODUCT}/android/002.png" in body


@pytest.mark.parametrize(
    ("text", "emojis", "error"),
    [
        ("One $ only", f"{EMOJI_PRODUCT}/001, {EMOJI_PRODUCT}/002", "1 $ placeholders and 2 emoji"),
        ("No placeholder", f"{EMOJI_PRODUCT}/001", "0 $ placeholders and 1 emoji"),
        ("Bad $", "not-an-emoji", "is not a LINE emoji"),
        ("", f"{EMOJI_PRODUCT}/001", "a $ for each LINE emoji"),
    ],
)
def test_line_emoji_that_do_not_fit_the_text_are_refused_on_their_field(
    account, owner, text, emojis, error
):
    conversation = conversation_to_answer(account)
    response = client_for(owner).post(
        _url("conversation_answer", conversation),
        {"text": text, "emojis": emojis, "sticker": "446/1988"},
    )
    assert response.status_code == 200
    assert error in " ".join(response.context["composer"].form["emojis"].errors)
    assert not OutboundAnswer.unscoped.exists()
