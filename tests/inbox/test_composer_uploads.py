"""An image uploaded into an answer is stored only when the answer is written: a refused
answer (blocked friend, push not confirmed, another field's error) leaves no file behind."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from inbox.models import OutboundAnswer
from tests.conftest import client_for
from tests.inbox.answering import conversation_to_answer

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PUBLIC_BASE_URL = "https://console.example.com"
    return tmp_path


def _post(owner, conversation, **fields):
    url = reverse(
        "conversation_answer",
        args=[conversation.account.workspace.slug, conversation.account.slug, conversation.pk],
    )
    upload = SimpleUploadedFile("menu.png", PNG, content_type="image/png")
    return client_for(owner).post(url, {"image_upload": upload, **fields})


def test_an_answer_to_a_friend_who_blocked_the_oa_stores_no_upload(account, owner, media_root):
    conversation = conversation_to_answer(account, status="blocked")
    response = _post(owner, conversation)
    assert response.status_code == 200
    assert "blocked the OA" in " ".join(response.context["composer"].form.non_field_errors())
    assert not list(media_root.rglob("*.png"))
    assert not OutboundAnswer.unscoped.exists()


def test_a_push_not_confirmed_stores_no_upload(account, owner, media_root):
    conversation = conversation_to_answer(account, token="")  # no reply token: push only
    response = _post(owner, conversation)
    assert response.status_code == 200
    assert response.context["composer"].form["confirm_push"].errors
    assert not list(media_root.rglob("*.png"))

    # Confirmed, the same answer is written and its image stored, once.
    assert _post(owner, conversation, confirm_push="on").status_code == 302
    (stored,) = media_root.rglob("*.png")
    (message,) = OutboundAnswer.unscoped.get().messages
    assert message["originalContentUrl"].endswith("/" + stored.name)


def test_another_fields_error_stores_no_upload(account, owner, media_root):
    conversation = conversation_to_answer(account)
    response = _post(owner, conversation, flex_alt="Menu", flex_json="{not json")
    assert response.status_code == 200
    assert response.context["composer"].form["flex_json"].errors
    assert not list(media_root.rglob("*.png"))
    assert not OutboundAnswer.unscoped.exists()
