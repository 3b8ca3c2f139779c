"""``seed_demo``'s surveys: one per demo OA in its language, answered by tagged friends, their
answers in attributes and tags, and nothing added by a second run."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from liff_forms.models import Form, Submission
from oa_console.activity.models import Activity
from segments.models import FriendAttribute, FriendTag

pytestmark = pytest.mark.django_db


def test_each_demo_oa_has_an_answered_survey():
    call_command("seed_demo", verbosity=0, stdout=StringIO())
    forms = Form.unscoped.select_related("account")
    assert {form.account.slug for form in forms} == {
        "taipei-cafe",
        "tokyo-cosmetics",
        "bangkok-fitness",
        "kumo-tea",
    }
    cafe = forms.get(account__slug="taipei-cafe")
    assert cafe.title == "顧客小調查"
    answers = Submission.unscoped.filter(form=cafe)
    assert 30 <= answers.count() <= 40
    assert answers.values("submitted_at__date").distinct().count() > 5  # spread over days
    assert FriendTag.unscoped.filter(account=cafe.account, source="form").exists()
    assert (
        FriendAttribute.unscoped.filter(account=cafe.account, definition__key="favourite").count()
        == answers.count()
    )
    published = Activity.unscoped.filter(account=cafe.account, kind="form_answered").count()
    assert published == answers.count()

    before = Submission.unscoped.count()
    call_command("seed_demo", verbosity=0, stdout=StringIO())
    assert Submission.unscoped.count() == before
