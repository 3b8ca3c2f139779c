"""A friend's form answers in personal-data requests: exported as they gave them, and
erased with the friend (other friends' answers stay)."""

from __future__ import annotations

import pytest

from liff_forms.models import Answer, Submission
from segments.personal_data.services import friend_erase, friend_personal_data_collect
from tests.liff_forms.helpers import answer, build_form

pytestmark = pytest.mark.django_db
HER, OTHER = "U" + "1" * 32, "U" + "2" * 32


def test_answers_are_exported_and_erased(account, scope):
    form = build_form(account)
    mine = answer(form, HER, Drink="0", Newsletter="on", Favourite="My secret")
    answer(form, OTHER, Drink="1", Newsletter="on")
    document = friend_personal_data_collect(account=account, friend=mine.friend)
    (section,) = [s for s in document["sections"] if s["key"] == "form_answers"]
    assert {"form": "Survey", "question": "Favourite", "answer": "My secret"}.items() <= next(
        r for r in section["records"] if r["question"] == "Favourite"
    ).items()
    erasure = friend_erase(account=account, friend=mine.friend, request=None)
    assert erasure.summary["liff_forms.form_submissions"] == 1
    assert erasure.summary["liff_forms.form_answers"] == 3
    assert not Answer.unscoped.filter(value_text="My secret").exists()
    assert list(Submission.unscoped.values_list("friend__line_user_id", flat=True)) == [OTHER]
