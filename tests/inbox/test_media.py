"""Friends' images, videos, audio and files: fetched from LINE (the fake data host), kept
encrypted, shown only to members who may open the OA; stickers and LINE emoji from LINE's CDN."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from inbox.models import ConversationMessage, MessageContent
from inbox.services.media import (
    MAX_ATTEMPTS,
    message_content_fetch,
    message_contents_due,
)
from oa_console.fields import decrypt_bytes
from oa_console.roles import Role
from tests.conftest import client_for, make_member
from tests.inbox.helpers import deliver, text_event
from tests.inbox.media_fixtures import media_event

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0" + b"photo-bytes" * 50
PDF = b"%PDF-1.4 receipt"
LINE = {"type": "line"}


def _content(account, message_id: str) -> MessageContent:
    return MessageContent.unscoped.select_related("message").get(
        account=account, message__line_message_id=message_id
    )


def _media_url(account, content: MessageContent) -> str:
    return reverse(
        "chat_message_media",
        args=["alpha", account.slug, content.message_id],
    )


def test_an_image_and_a_file_are_fetched_stored_encrypted_and_served(
    account, owner, chat_media, line_content
):
    line_content.add("img-1", JPEG, "image/jpeg")
    line_content.add("file-1", PDF, "application/pdf")
    deliver(
        account,
        [
            media_event("img-1", "image", at_ms=1_700_000_000_000, contentProvider=LINE),
            media_event(
                "file-1", "file", at_ms=1_700_000_001_000, fileName="領収書.pdf", fileSize=16
            ),
        ],
    )
    image, file = _content(account, "img-1"), _content(account, "file-1")
    assert (image.status, file.status) == ("pending", "pending")  # kicked after ingestion

    assert message_content_fetch(content_id=image.pk) == "stored"
    assert message_content_fetch(content_id=file.pk) == "stored"
    assert line_content.fetched == ["img-1", "file-1"]
    image.refresh_from_db()
    assert (image.size, image.content_type) == (len(JPEG), "image/jpeg")
    # Named unguessably under the OA's folder, and encrypted at rest.
    assert image.storage_name.startswith(f"{account.pk}/") and len(image.storage_name) > 30
    on_disk = (chat_media / image.storage_name).read_bytes()
    assert JPEG not in on_disk and decrypt_bytes(on_disk) == JPEG
    # A second delivery of the task does nothing (idempotent).
    assert message_content_fetch(content_id=image.pk) == "stored"
    assert line_content.fetched == ["img-1", "file-1"]

    client = client_for(owner)
    response = client.get(_media_url(account, image))
    assert response.status_code == 200
    assert response.content == JPEG
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == "inline"
    assert "private" in response["Cache-Control"]
    download = client.get(_media_url(account, file))
    assert download.content == PDF
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"] == (
        "attachment; filename*=UTF-8''%E9%A0%98%E5%8F%8E%E6%9B%B8.pdf"
    )

    page = client.get(
        reverse("conversation_detail", args=["alpha", account.slug, image.message.conversation_id])
    ).content.decode()
    assert f'<img class="chat-media" src="{_media_url(account, image)}"' in page
    assert (
        f'href="{_media_url(account, file)}" download data-testid="chat-file">領収書.pdf</a>'
        in (page)
    )
    assert "16\xa0bytes" in page


def test_media_is_404_for_an_agent_of_another_oa_and_for_another_workspace(
    account, owner, workspace, other_workspace, chat_media, line_content
):
    from tests.factories import LineAccountFactory

    line_content.add("img-1", JPEG, "image/jpeg")
    deliver(account, [media_event("img-1", "image", at_ms=1_700_000_000_000, contentProvider=LINE)])
    content = _content(account, "img-1")
    message_content_fetch(content_id=content.pk)
    content.refresh_from_db()
    url = _media_url(account, content)

    sibling = LineAccountFactory(workspace=workspace, slug="alpha-osaka", display_name="Osaka")
    own_agent = make_member(workspace, Role.AGENT, email="a1@alpha.example", accounts=[account])
    other_agent = make_member(workspace, Role.AGENT, email="a2@alpha.example", accounts=[sibling])
    stranger = make_member(other_workspace, Role.OWNER, email="b@beta.example")
    assert client_for(own_agent).get(url).content == JPEG
    assert client_for(other_agent).get(url).status_code == 404
    assert client_for(stranger).get(url).status_code == 404
    # The sibling OA's slug with this OA's ids: looked up within the sibling, so missing.
    through_sibling = reverse(
        "chat_message_media",
        args=["alpha", sibling.slug, content.message_id],
    )
    assert client_for(owner).get(through_sibling).status_code == 404
    # No public URL: the page never names the stored file.
    assert content.storage_name and (
        content.storage_name
        not in client_for(owner)
        .get(
            reverse(
                "conversation_detail", args=["alpha", account.slug, content.message.conversation_id]
            )
        )
        .content.decode()
    )


def test_content_over_the_size_cap_is_not_kept(account, owner, settings, chat_media, line_content):
    settings.CHAT_MEDIA_MAX_BYTES = 100
    line_content.add("img-big", b"x" * 101, "image/jpeg")
    line_content.add("img-ok", b"y" * 100, "image/jpeg")
    deliver(
        account,
        [
            media_event("img-big", "image", at_ms=1_700_000_000_000, contentProvider=LINE),
            media_event("img-ok", "image", at_ms=1_700_000_001_000, contentProvider=LINE),
            # LINE says the file's size: too large without fetching it.
            media_event(
                "file-big", "file", at_ms=1_700_000_002_000, fileName="a.zip", fileSize=500
            ),
        ],
    )
    big, ok, file = (_content(account, mid) for mid in ("img-big", "img-ok", "file-big"))
    assert message_content_fetch(content_id=big.pk) == "too_large"
    assert message_content_fetch(content_id=ok.pk) == "stored"
    assert message_content_fetch(content_id=file.pk) == "too_large"
    assert line_content.fetched == ["img-big", "img-ok"]
    big.refresh_from_db()
    assert big.storage_name == "" and big.size is None
    stored = [path for path in chat_media.rglob("*") if path.is_file()]
    assert len(stored) == 1  # only the one within the cap
    assert client_for(owner).get(_media_url(account, big)).status_code == 404
    page = (
        client_for(owner)
        .get(
            reverse(
                "conversation_detail", args=["alpha", account.slug, big.message.conversation_id]
            )
        )
        .content.decode()
    )
    assert page.count("Image too large to keep (over 100\xa0bytes)") == 1
    assert "File too large to keep (over 100\xa0bytes)" in page


def test_content_line_no_longer_has_is_recorded_gone(account, owner, chat_media, line_content):
    line_content.expired.add("img-410")
    deliver(
        account,
        [
            media_event("img-404", "image", at_ms=1_700_000_000_000, contentProvider=LINE),
            media_event("img-410", "image", at_ms=1_700_000_001_000, contentProvider=LINE),
        ],
    )
    for message_id in ("img-404", "img-410"):
        content = _content(account, message_id)
        assert message_content_fetch(content_id=content.pk) == "gone"
    page = (
        client_for(owner)
        .get(
            reverse(
                "conversation_detail", args=["alpha", account.slug, content.message.conversation_id]
            )
        )
        .content.decode()
    )
    assert page.count("Image, no longer available from LINE") == 2


def test_a_transient_failure_is_retried_by_the_sweep_then_recorded(
    account, chat_media, line_content
):
    line_content.add("img-1", JPEG, "image/jpeg")
    deliver(account, [media_event("img-1", "image", at_ms=1_700_000_000_000, contentProvider=LINE)])
    content = _content(account, "img-1")
    # Not due before the sweep's delay (the kick fetches it first), due after.
    assert content.pk not in message_contents_due()
    assert content.pk in message_contents_due(now=timezone.now() + timedelta(minutes=3))

    line_content.server.fail_next("getMessageContent", 500)
    assert message_content_fetch(content_id=content.pk) == "pending"
    content.refresh_from_db()
    assert content.attempts == 1 and content.next_attempt_at > timezone.now()
    assert message_content_fetch(content_id=content.pk) == "stored"  # the retry succeeds

    deliver(account, [media_event("img-2", "image", at_ms=1_700_000_001_000, contentProvider=LINE)])
    failing = _content(account, "img-2")
    line_content.server.fail_next("getMessageContent", 500, times=MAX_ATTEMPTS)
    statuses = [message_content_fetch(content_id=failing.pk) for _attempt in range(MAX_ATTEMPTS)]
    assert statuses == ["pending"] * (MAX_ATTEMPTS - 1) + ["failed"]
    failing.refresh_from_db()
    assert failing.next_attempt_at is None and failing.pk not in message_contents_due(
        now=timezone.now() + timedelta(days=1)
    )


def test_external_content_is_linked_not_fetched(account, owner, chat_media, line_content):
    provider = {
        "type": "external",
        "originalContentUrl": "https://cdn.example.com/a.jpg",
        "previewImageUrl": "https://cdn.example.com/a-small.jpg",
    }
    deliver(
        account, [media_event("img-x", "image", at_ms=1_700_000_000_000, contentProvider=provider)]
    )
    content = _content(account, "img-x")
    assert content.status == "external"
    assert content.pk not in message_contents_due(now=timezone.now() + timedelta(days=1))
    page = (
        client_for(owner)
        .get(
            reverse(
                "conversation_detail", args=["alpha", account.slug, content.message.conversation_id]
            )
        )
        .content.decode()
    )
    assert 'href="https://cdn.example.com/a.jpg"' in page
    assert line_content.fetched == []


def test_stickers_show_the_cdn_image_with_the_ids_as_alt_and_fallback(account, owner):
    sticker = text_event("", at_ms=1_700_000_000_000)
    sticker["message"] = {"id": "9", "type": "sticker", "packageId": "446", "stickerId": "1988"}
    odd = text_event("", at_ms=1_700_000_001_000)
    odd["message"] = {"id": "10", "type": "sticker", "packageId": "1", "stickerId": "12ab/x"}
    deliver(account, [sticker, odd])
    conversation_id = ConversationMessage.unscoped.get(
        account=account, line_message_id="9"
    ).conversation_id
    response = client_for(owner).get(
        reverse("conversation_detail", args=["alpha", account.slug, conversation_id])
    )
    page = response.content.decode()
    assert (
        '<img class="chat-sticker" '
        'src="https://stickershop.line-scdn.net/stickershop/v1/sticker/1988/android/sticker.png" '
        'alt="Sticker 446/1988"'
    ) in page
    assert "data-line-fallback" in page
    assert "/static/inbox/media.js" in page  # replaces a failed image by its alt text
    # An id that is not LINE's shape is never put in a URL: the ids as text.
    assert '<p class="chat-label">Sticker 1/12ab/x</p>' in page
    assert page.count('class="chat-sticker"') == 1
    # The CSP lets the sticker host's images in, and no inline script is needed.
    policy = response["Content-Security-Policy"]
    assert "https://stickershop.line-scdn.net" in policy.split("img-src")[1].split(";")[0]


def test_the_open_history_refreshes_when_a_photo_is_fetched(
    account, owner, chat_media, line_content
):
    line_content.add("img-1", JPEG, "image/jpeg")
    deliver(account, [media_event("img-1", "image", at_ms=1_700_000_000_000, contentProvider=LINE)])
    content = _content(account, "img-1")
    url = reverse(
        "conversation_detail", args=["alpha", account.slug, content.message.conversation_id]
    )
    client = client_for(owner)
    page = client.get(url).content.decode()
    version = page.split("?version=")[1].split('"')[0]
    poll = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "conversation-history"}
    assert client.get(url, {"version": version}, **poll).status_code == 204
    message_content_fetch(content_id=content.pk)
    fresh = client.get(url, {"version": version}, **poll)
    assert fresh.status_code == 200
    assert 'data-testid="chat-image"' in fresh.content.decode()
