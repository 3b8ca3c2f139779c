"""Composer bubbles beyond text: an uploaded image (type and size checked against LINE's
limits, stored in media storage, addressed by https), LINE emoji in a text, a coupon / link
card and a LINE coupon. Each message is sent to the fake LINE server, which validates it
against messaging-api.yml."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from broadcasts.bubbles import BubbleError, link_card_inputs, link_card_message, text_message
from broadcasts.composer.form import BroadcastForm
from broadcasts.models import Broadcast
from oa_console.line.messages import messages_errors
from tests.broadcasts.conftest import everyone_segment, make_broadcast, make_friends
from tests.broadcasts.test_sending import run_to_end
from tests.broadcasts.views.test_pages import composer_data, page
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
EMOJI = "5ac1bfd5040ab15980c9b435"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PUBLIC_BASE_URL = "https://console.example"
    return tmp_path


def post_image(client, account, **files):
    data = composer_data(bubble_1_type="image", bubble_1_text="")
    return client.post(page(account, "broadcast_new"), {**data, **files})


def test_an_uploaded_image_is_stored_and_sent_as_an_https_image_message(account, marketer, media):
    response = post_image(
        client_for(marketer),
        account,
        bubble_1_upload=SimpleUploadedFile("shoe.png", PNG, content_type="image/png"),
    )
    assert response.status_code == 302
    (message,) = Broadcast.unscoped.get().messages
    url = message["originalContentUrl"]
    assert message == {"type": "image", "originalContentUrl": url, "previewImageUrl": url}
    assert url.startswith(f"https://console.example/media/broadcasts/{account.pk}/")
    assert url.endswith("/original.png")
    name = url.removeprefix("https://console.example/media/")
    assert default_storage.open(name).read() == PNG
    assert messages_errors([message]) == []
    # The console serves it at that address, without a login (LINE fetches it).
    served = Client().get(url.removeprefix("https://console.example"))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == PNG
    assert "immutable" in served["Cache-Control"]
    for wrong in (url.replace("original", "other"), "/media/broadcasts/../../etc/passwd"):
        assert Client().get(wrong.removeprefix("https://console.example")).status_code == 404


def test_a_large_image_needs_a_preview_of_at_most_1_mb(account, marketer, media):
    big = b"\xff\xd8\xff\xe0" + b"\x00" * (2 * 1024 * 1024)
    client = client_for(marketer)
    refused = post_image(
        client, account, bubble_1_upload=SimpleUploadedFile("big.jpg", big, "image/jpeg")
    )
    assert refused.status_code == 400
    body = refused.content.decode()
    assert 'id="id_bubble_1_preview_upload_error"' in body
    assert "add a smaller preview image" in body
    saved = post_image(
        client,
        account,
        bubble_1_upload=SimpleUploadedFile("big.jpg", big, "image/jpeg"),
        bubble_1_preview_upload=SimpleUploadedFile("small.png", PNG, "image/png"),
    )
    assert saved.status_code == 302
    (message,) = Broadcast.unscoped.get().messages
    assert message["originalContentUrl"].endswith("/original.jpg")
    assert message["previewImageUrl"].endswith("/preview.png")


@pytest.mark.parametrize(
    ("content", "field", "problem"),
    [
        (b"GIF89a" + b"\x00" * 100, "upload", "only shows JPEG or PNG"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (10 * 1024 * 1024), "upload", "at most 10 MB"),
    ],
)
def test_uploads_outside_lines_limits_are_refused_in_place(
    account, marketer, media, content, field, problem
):
    response = post_image(
        client_for(marketer),
        account,
        bubble_1_upload=SimpleUploadedFile("x.png", content, "image/png"),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert f'id="id_bubble_1_{field}_error"' in body and problem in body
    assert not Broadcast.unscoped.exists()
    assert not list(media.rglob("*.png"))


def test_uploads_need_an_https_public_address(account, marketer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    response = post_image(
        client_for(marketer), account, bubble_1_upload=SimpleUploadedFile("a.jpg", JPEG)
    )
    assert response.status_code == 400
    assert "set PUBLIC_BASE_URL to the console&#x27;s https address" in response.content.decode()


def test_line_emoji_fill_the_dollar_placeholders():
    message = text_message("Sale $ today $!", f"{EMOJI}/001, {EMOJI}/002")
    assert message == {
        "type": "text",
        "text": "Sale $ today $!",
        "emojis": [
            {"index": 5, "productId": EMOJI, "emojiId": "001"},
            {"index": 13, "productId": EMOJI, "emojiId": "002"},
        ],
    }
    assert text_message("Costs $5", "") == {"type": "text", "text": "Costs $5"}
    with pytest.raises(BubbleError, match="1 \\$ placeholders and 2 emoji"):
        text_message("Only $ one", f"{EMOJI}/001, {EMOJI}/002")
    with pytest.raises(BubbleError, match="not a LINE emoji"):
        text_message("A $", "smile")
    with pytest.raises(BubbleError, match="after the last"):
        text_message("😀 then $", f"{EMOJI}/001")


def test_composer_builds_emoji_card_and_coupon_bubbles(account, marketer):
    response = client_for(marketer).post(
        page(account, "broadcast_new"),
        composer_data(
            bubble_1_text="New arrivals $",
            bubble_1_emojis=f"{EMOJI}/001",
            bubble_2_type="card",
            bubble_2_alt="Spring coupon",
            bubble_2_card_title="10% off",
            bubble_2_card_text="Show this at the till",
            bubble_2_card_code="SPRING10",
            bubble_2_card_label="Shop now",
            bubble_2_card_url="https://shop.example/spring",
            bubble_2_image="https://cdn.example/spring.jpg",
            bubble_3_type="coupon",
            bubble_3_coupon="01JABCDEFG",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    text, card, coupon = Broadcast.unscoped.get().messages
    assert text["emojis"] == [{"index": 13, "productId": EMOJI, "emojiId": "001"}]
    assert card["type"] == "flex" and card["altText"] == "Spring coupon"
    assert card["contents"]["hero"]["url"] == "https://cdn.example/spring.jpg"
    assert card["contents"]["footer"]["contents"][0]["action"] == {
        "type": "uri",
        "label": "Shop now",
        "uri": "https://shop.example/spring",
    }
    assert "SPRING10" in str(card["contents"]["body"])
    assert coupon == {"type": "coupon", "couponId": "01JABCDEFG"}
    edit = (
        client_for(marketer)
        .get(page(account, "broadcast_edit", Broadcast.unscoped.get().pk))
        .content.decode()
    )
    assert f'value="{EMOJI}/001"' in edit and 'value="01JABCDEFG"' in edit
    # The card comes back as card inputs, not as raw Flex JSON.
    assert 'value="SPRING10"' in edit and 'value="https://shop.example/spring"' in edit
    assert "&quot;footer&quot;" not in edit


def test_a_link_card_reads_back_into_the_inputs_it_was_built_from():
    card = link_card_message(
        alt_text="Spring",
        title="10% off",
        text="At the till",
        code="SPRING10",
        label="",
        url="https://shop.example/spring",
        image="https://cdn.example/spring.jpg",
    )
    inputs = link_card_inputs(card)
    assert inputs == {
        "alt": "Spring",
        "card_title": "10% off",
        "card_text": "At the till",
        "card_code": "SPRING10",
        "card_label": "Open",
        "card_url": "https://shop.example/spring",
        "image": "https://cdn.example/spring.jpg",
    }
    bare = link_card_message(
        alt_text="", title="Hi", text="", code="", label="Go", url="https://x.example", image=""
    )
    assert link_card_inputs(bare)["card_code"] == "" and link_card_inputs(bare)["image"] == ""


def test_a_card_built_in_another_language_still_reads_back():
    with translation.override("ja"):
        card = link_card_message(
            alt_text="",
            title="T",
            text="",
            code="C1",
            label="Go",
            url="https://x.example",
            image="",
        )
    assert link_card_inputs(card)["card_code"] == "C1"


def test_hand_written_flex_stays_raw_json():
    card = link_card_message(
        alt_text="", title="T", text="", code="", label="Go", url="https://x.example", image=""
    )
    card["contents"]["footer"]["contents"][0]["style"] = "secondary"  # edited by hand
    assert link_card_inputs(card) is None
    assert (
        link_card_inputs({"type": "flex", "altText": "x", "contents": {"type": "carousel"}}) is None
    )


def test_editing_a_card_and_saving_it_unchanged_keeps_the_same_message(account, marketer):
    data = composer_data(
        bubble_1_type="card",
        bubble_1_alt="Spring",
        bubble_1_card_title="10% off",
        bubble_1_card_code="SPRING10",
        bubble_1_card_label="Shop now",
        bubble_1_card_url="https://shop.example/spring",
    )
    client = client_for(marketer)
    assert client.post(page(account, "broadcast_new"), data).status_code == 302
    broadcast = Broadcast.unscoped.get()
    before = broadcast.messages
    initial = BroadcastForm.initial_for(broadcast)
    assert initial["bubble_1_type"] == "card" and "bubble_1_flex" not in initial
    resubmitted = composer_data(
        **{key: value for key, value in initial.items() if key.startswith("bubble_1_")}
    )
    response = client.post(page(account, "broadcast_edit", broadcast.pk), resubmitted)
    assert response.status_code == 302, response.content.decode()[:2000]
    broadcast.refresh_from_db()
    assert broadcast.messages == before


def test_a_card_without_a_valid_link_is_reported_beside_the_link(account, marketer):
    response = client_for(marketer).post(
        page(account, "broadcast_new"),
        composer_data(bubble_1_type="card", bubble_1_card_title="Hi", bubble_1_card_label="Go"),
    )
    assert response.status_code == 400
    assert 'id="id_bubble_1_card_url_error"' in response.content.decode()


def test_emoji_card_coupon_and_image_pass_lines_schema_when_sent(account, rules, line, scope):
    make_friends(account, 3)
    messages = [
        text_message("Hello $", f"{EMOJI}/001"),
        link_card_message(
            alt_text="Coupon",
            title="10% off",
            text="Today only",
            code="TEN",
            label="Use it",
            url="https://shop.example/c",
            image="https://cdn.example/c.png",
        ),
        {"type": "coupon", "couponId": "01JABCDEFG"},
        {
            "type": "image",
            "originalContentUrl": "https://console.example/media/a.png",
            "previewImageUrl": "https://console.example/media/a.png",
        },
    ]
    assert messages_errors(messages) == []
    broadcast = make_broadcast(
        account,
        messages=messages,
        audience_kind=Broadcast.AudienceKind.SEGMENT,
        segment=everyone_segment(account),
        status=Broadcast.Status.SCHEDULED,
    )
    assert run_to_end(broadcast).status == Broadcast.Status.SENT
    (call,) = line.server.calls("multicast")
    sent = call.json()["messages"]
    assert sent[0]["emojis"] == [{"index": 6, "productId": EMOJI, "emojiId": "001"}]
    button = sent[1]["contents"]["footer"]["contents"][0]["action"]
    assert "/r/" in button["uri"]  # the card's link is tracked
    assert sent[2] == {"type": "coupon", "couponId": "01JABCDEFG"}
    assert not line.server.invalid_requests
