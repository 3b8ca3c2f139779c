"""The audience registry: every stored kind has one audience, and what each decides."""

from broadcasts.audiences import all_audiences, audience_for, chooses_each_recipient, for_api_keys
from broadcasts.models import Broadcast

Kind = Broadcast.AudienceKind
Method = Broadcast.Method


def test_every_stored_kind_is_registered_once():
    assert sorted(a.kind for a in all_audiences()) == sorted(Kind.values)


def test_inputs_each_kind_asks_for():
    assert [k for k in Kind.values if audience_for(k).uses_segment] == [
        Kind.SEGMENT,
        Kind.SEGMENT_DEMOGRAPHIC,
    ]
    assert [k for k in Kind.values if audience_for(k).uses_filter] == [
        Kind.DEMOGRAPHIC,
        Kind.SEGMENT_DEMOGRAPHIC,
    ]
    assert [k for k in Kind.values if audience_for(k).needs_audience_upload] == [
        Kind.SEGMENT_DEMOGRAPHIC
    ]


def test_only_a_saved_segment_lets_the_console_choose_each_recipient():
    assert [k for k in Kind.values if chooses_each_recipient(k)] == [Kind.SEGMENT]
    assert not chooses_each_recipient("nobody")
    assert not chooses_each_recipient(None)


def test_bulk_methods():
    assert audience_for(Kind.ALL).bulk_method(0) == Method.BROADCAST
    assert audience_for(Kind.ALL).bulk_method(3) == Method.NARROWCAST
    assert audience_for(Kind.SEGMENT).bulk_method(3) == Method.MULTICAST
    assert audience_for(Kind.DEMOGRAPHIC).bulk_method(0) == Method.NARROWCAST
    assert audience_for(Kind.SEGMENT_DEMOGRAPHIC).bulk_method(0) == Method.NARROWCAST


def test_api_keys_name_the_kind():
    assert for_api_keys({"all"}).kind == Kind.ALL
    assert for_api_keys({"segment"}).kind == Kind.SEGMENT
    assert for_api_keys({"demographic"}).kind == Kind.DEMOGRAPHIC
    assert for_api_keys({"segment", "demographic"}).kind == Kind.SEGMENT_DEMOGRAPHIC
    assert for_api_keys({"nothing"}) is None


def test_label_is_the_choice_label():
    assert audience_for(Kind.SEGMENT).label == str(Kind.SEGMENT.label)
