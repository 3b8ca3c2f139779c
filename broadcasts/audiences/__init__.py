"""Broadcast audience kinds: one module per kind implementing ``base.Audience``, and the
registry keyed by the stored kind. Adding a kind is one module plus one ``register`` line here
(and its choice in ``Broadcast.AudienceKind``)."""

from broadcasts.audiences.all_friends import AllFriends
from broadcasts.audiences.base import Audience
from broadcasts.audiences.demographic import Demographic
from broadcasts.audiences.registry import (
    all_audiences,
    audience_for,
    chooses_each_recipient,
    for_api_keys,
    is_known,
    register,
)
from broadcasts.audiences.segment import SavedSegment
from broadcasts.audiences.segment_demographic import SegmentDemographic

register(AllFriends())
register(SavedSegment())
register(Demographic())
register(SegmentDemographic())

__all__ = [
    "Audience",
    "all_audiences",
    "audience_for",
    "chooses_each_recipient",
    "for_api_keys",
    "is_known",
    "register",
]
