"""Seeking in a friend's video: the media view answers HTTP Range requests (206 with
Content-Range, 416 outside the content) from the decrypted content."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inbox.models import MessageContent
from inbox.services.media import message_content_fetch
from oa_console.byte_ranges import UnsatisfiableRange, byte_range
from tests.conftest import client_for
from tests.inbox.helpers import deliver
from tests.inbox.media_fixtures import media_event

# Every byte tells its position (mod 251): a slice from the wrong place cannot pass.
VIDEO = bytes(i % 251 for i in range(10_000))


@pytest.fixture
def video_url(account, chat_media, line_content) -> str:
    line_content.add("vid-1", VIDEO, "video/mp4")
    deliver(
        account,
        [media_event("vid-1", "video", at_ms=1_700_000_000_000, contentProvider={"type": "line"})],
    )
    content = MessageContent.unscoped.get(account=account, message__line_message_id="vid-1")
    assert message_content_fetch(content_id=content.pk) == "stored"
    return reverse("chat_message_media", args=["alpha", account.slug, content.message_id])


@pytest.mark.django_db
def test_a_whole_video_says_it_accepts_ranges(owner, video_url):
    response = client_for(owner).get(video_url)
    assert response.status_code == 200
    assert response.content == VIDEO
    assert response["Accept-Ranges"] == "bytes"
    assert "Content-Range" not in response


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-99", 0, 99),  # the first bytes, as a browser probes
        ("bytes=4000-4999", 4000, 4999),  # a seek into the middle
        ("bytes=9990-20000", 9990, 9999),  # past the end: clipped to it
        ("bytes=9000-", 9000, 9999),  # open-ended: to the end
        ("bytes=-250", 9750, 9999),  # the last 250 bytes
        ("bytes=-20000", 0, 9999),  # a suffix longer than the video: all of it
    ],
)
def test_a_range_is_answered_206_with_that_slice(owner, video_url, header, start, end):
    response = client_for(owner).get(video_url, HTTP_RANGE=header)
    assert response.status_code == 206
    assert response.content == VIDEO[start : end + 1]
    assert response["Content-Range"] == f"bytes {start}-{end}/{len(VIDEO)}"
    assert response["Content-Length"] == str(end - start + 1)
    assert response["Content-Type"] == "video/mp4"
    assert response["Accept-Ranges"] == "bytes"


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["bytes=10000-", "bytes=20000-20010", "bytes=-0"])
def test_a_range_outside_the_video_is_416(owner, video_url, header):
    response = client_for(owner).get(video_url, HTTP_RANGE=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(VIDEO)}"
    assert response.content == b""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header", ["bytes=0-1,5-9", "items=0-5", "bytes=9-3", "bytes=-", "nonsense"]
)
def test_a_range_not_understood_gets_the_whole_video(owner, video_url, header):
    response = client_for(owner).get(video_url, HTTP_RANGE=header)
    assert (response.status_code, response.content) == (200, VIDEO)


@pytest.mark.django_db
def test_a_conditional_range_gets_the_whole_video(owner, video_url):
    """If-Range names a version this response cannot vouch for: never a possibly stale slice."""
    response = client_for(owner).get(video_url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"some-etag"')
    assert (response.status_code, response.content) == (200, VIDEO)


def test_the_parser_on_an_empty_body():
    with pytest.raises(UnsatisfiableRange):
        byte_range("bytes=0-", 0)
    with pytest.raises(UnsatisfiableRange):
        byte_range("bytes=-5", 0)
    assert byte_range(None, 0) is None
