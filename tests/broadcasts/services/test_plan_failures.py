"""A broadcast whose segment rules cannot be compiled ends visibly failed, with the reason
(issue 14, defect 3): before, planning raised on every beat tick and the page said "Scheduled"
for ever. The estimate panel says it before sending, and composing refuses such a segment."""

from __future__ import annotations

from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from broadcasts.models import Broadcast, BroadcastBatch
from broadcasts.services import planning, sending, workflow
from broadcasts.tasks import dispatch_broadcast
from segments.models import Segment
from tests.broadcasts.conftest import TEXT, everyone_segment, make_broadcast, make_friends
from tests.conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scope")]
Status = Broadcast.Status
Kind = Broadcast.AudienceKind
AGE_3000 = {"all": [{"field": "age", "op": "gte", "value": 3000}]}
REASON = (
    "Not sent: The rules of the segment “Old age” are not valid ($.all[0].value: Must be at "
    "most 150.); fix them on the segment's page."
)


@pytest.fixture(autouse=True)
def english():
    translation.activate("en")
    yield
    translation.deactivate()


def _scheduled_to_bad_segment(account) -> Broadcast:
    """Scheduled while the segment was valid; its rules went bad afterwards (saved by the old
    code, or written before the limit existed)."""
    segment = everyone_segment(account, name="Old age")
    broadcast = make_broadcast(
        account, audience_kind=Kind.SEGMENT, segment=segment, status="scheduled"
    )
    Segment.unscoped.filter(pk=segment.pk).update(rules=AGE_3000)
    return broadcast


def _page(user, broadcast: Broadcast, language: str = "en") -> str:
    account = broadcast.account
    client = client_for(user)
    client.cookies["django_language"] = language
    url = reverse("broadcast_detail", args=[account.workspace.slug, account.slug, broadcast.pk])
    response = client.get(url)
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_the_send_fails_at_once_with_the_reason(account, rules, marketer):
    make_friends(account, 3)
    broadcast = _scheduled_to_bad_segment(account)

    assert dispatch_broadcast(broadcast.pk) is False  # the Celery task, as beat runs it

    broadcast.refresh_from_db()
    assert broadcast.status == Status.FAILED
    assert broadcast.finished_at is not None
    assert broadcast.error_message == REASON
    assert not BroadcastBatch.unscoped.filter(broadcast=broadcast).exists()
    assert broadcast.pk not in sending.broadcasts_due()  # never handed to a worker again
    html = _page(marketer, broadcast)
    assert 'data-testid="broadcast-status">Failed<' in html
    assert REASON in html
    # The reason is said in the reader's language, rebuilt from the recorded rules.
    japanese = _page(marketer, broadcast, "ja")
    assert "$.all[0].value" in japanese and "Not sent" not in japanese

    client = APIClient()
    client.force_authenticate(marketer)
    body = client.get(
        reverse(
            "api_broadcast_detail",
            kwargs={"account_id": account.pk, "broadcast_id": broadcast.pk},
        )
    ).json()
    assert (body["status"], body["error_message"]) == ("failed", REASON)


def test_the_estimate_names_the_problem_instead_of_failing(account, rules, marketer):
    make_friends(account, 3)
    broadcast = _scheduled_to_bad_segment(account)
    estimate = planning.broadcast_estimate(broadcast=broadcast)
    assert not estimate.can_send
    assert estimate.problems == [REASON.removeprefix("Not sent: ")]

    client = APIClient()
    client.force_authenticate(marketer)
    response = client.get(
        reverse(
            "api_broadcast_estimate",
            kwargs={"account_id": account.pk, "broadcast_id": broadcast.pk},
        )
    )
    assert response.status_code == 200
    assert response.json()["can_send"] is False

    detail = reverse("broadcast_detail", args=[account.workspace.slug, account.slug, broadcast.pk])
    panel = client_for(marketer).get(detail, {"panel": "cost"})
    assert panel.status_code == 200
    assert "$.all[0].value: Must be at most 150." in unescape(panel.content.decode())


def test_composing_refuses_a_segment_whose_rules_are_invalid(account, rules):
    segment = Segment.unscoped.create(account=account, name="Old age", rules=AGE_3000)
    with pytest.raises(ValidationError) as error:
        workflow.broadcast_create(
            account=account,
            created_by=None,
            name="Spring sale",
            messages=TEXT,
            audience_kind=Kind.SEGMENT,
            segment_id=segment.pk,
            demographic=None,
        )
    assert "Must be at most 150." in error.value.message_dict["segment"][0]
