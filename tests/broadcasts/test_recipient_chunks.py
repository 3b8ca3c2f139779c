"""A narrowcast's or LINE broadcast's audience is stored in recipient chunks under its one batch
(never as one JSON list of millions): planning writes them in friend-id order, the ``Delivery``
view reads them under the batch (so results, the cap and ``received_broadcast`` see every
recipient once), and the audience upload reads one chunk per call. Batches planned before the
chunks keep working."""

from __future__ import annotations

import pytest

from broadcasts.models import (
    Broadcast,
    BroadcastBatch,
    Delivery,
    RecipientChunk,
    delivered_deliveries,
)
from broadcasts.services.sending import uploads
from tests.broadcasts.conftest import everyone_segment, make_broadcast, make_friends
from tests.broadcasts.test_sending import run_to_end

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scope")]
Kind, Status = Broadcast.AudienceKind, Broadcast.Status


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(RecipientChunk, "SIZE", 40)


def test_segment_narrowcast_audience_is_chunked_and_uploaded_chunk_by_chunk(
    account, rules, line, small_chunks
):
    friends = make_friends(account, 130)
    broadcast = make_broadcast(
        account,
        audience_kind=Kind.SEGMENT_DEMOGRAPHIC,
        segment=everyone_segment(account),
        demographic={"type": "gender", "oneOf": ["female"]},
        status=Status.SCHEDULED,
    )
    broadcast = run_to_end(broadcast)
    assert broadcast.status == Status.SENT and broadcast.recipients == 130

    (batch,) = BroadcastBatch.unscoped.filter(broadcast=broadcast)
    assert (batch.method, batch.size, batch.friend_ids, batch.line_user_ids) == (
        "narrowcast",
        130,
        [],
        [],
    )
    chunks = list(RecipientChunk.unscoped.filter(batch=batch).order_by("sequence"))
    assert [(c.sequence, c.size) for c in chunks] == [(0, 40), (1, 40), (2, 40), (3, 10)]
    by_id = sorted(friends, key=lambda f: f.pk)
    assert [fid for c in chunks for fid in c.friend_ids] == [f.pk for f in by_id]
    assert [uid for c in chunks for uid in c.line_user_ids] == [f.line_user_id for f in by_id]

    # Uploaded in chunk-sized calls: one create, then one add per further chunk.
    assert len(line.server.calls("createAudienceGroup")) == 1
    assert len(line.server.calls("addAudienceToAudienceGroup")) == 3
    ((_group, members),) = line.audiences.items()
    assert members == [f.line_user_id for f in by_id]

    # Every recipient once, under the batch.
    deliveries = Delivery.unscoped.filter(broadcast=broadcast)
    assert deliveries.count() == 130
    assert set(deliveries.values_list("batch_id", flat=True)) == {batch.pk}
    assert sorted(deliveries.values_list("friend_id", flat=True)) == [f.pk for f in by_id]
    # LINE narrows the audience by the filter: who got it is not known for sure.
    assert not delivered_deliveries(account=account).filter(broadcast=broadcast).exists()


def test_all_friends_broadcast_keeps_its_recipients_in_chunks(account, rules, line, small_chunks):
    make_friends(account, 90)
    broadcast = run_to_end(make_broadcast(account, status=Status.SCHEDULED))
    assert (broadcast.method, broadcast.recipients, broadcast.status) == (
        "broadcast",
        90,
        Status.SENT,
    )
    (batch,) = BroadcastBatch.unscoped.filter(broadcast=broadcast)
    assert batch.line_user_ids == []
    assert list(RecipientChunk.unscoped.filter(batch=batch).values_list("size", flat=True)) == [
        40,
        40,
        10,
    ]
    assert delivered_deliveries(account=account).filter(broadcast=broadcast).count() == 90


def test_a_narrowcast_planned_before_chunks_uploads_from_its_batch_row(account, rules, line):
    """A send planned by the previous version (recipients on the batch row) still uploads."""
    friends = make_friends(account, 120)
    broadcast = make_broadcast(
        account,
        audience_kind=Kind.SEGMENT_DEMOGRAPHIC,
        segment=everyone_segment(account),
        demographic={"type": "gender", "oneOf": ["female"]},
        status=Status.SCHEDULED,
    )
    BroadcastBatch.unscoped.create(
        account=account,
        broadcast=broadcast,
        sequence=0,
        method="narrowcast",
        size=120,
        friend_ids=[f.pk for f in friends],
        line_user_ids=[f.line_user_id for f in friends],
    )
    assert uploads._audience_ids(broadcast, 0) == [f.line_user_id for f in friends]
    assert uploads._audience_ids(broadcast, 120) == []
