"""The "form answered" trigger: a friend's answer to the named form (every answer, or only
their first) enrols them, through the real activity hub; the builder checks the form."""

from journeys.engine.triggers import trigger_properties
from journeys.graph.context import CheckContext
from journeys.graph.triggers import TRIGGER_KINDS
from journeys.models import Enrolment
from oa_console.activity.draining import activity_drain
from tests.journeys.engine.conftest import graph_with
from tests.journeys.engine.helpers import activity
from tests.liff_forms.helpers import answer, build_form
from tests.segments.factories import FriendFactory


def test_answering_the_form_enrols_the_friend_once_for_first_answers(account, make_journey):
    form = build_form(account)
    other_form = build_form(account, title="Other")
    every = make_journey(graph_with(trigger={"kind": "form_answered", "form_id": form.pk}))
    first = make_journey(
        graph_with(trigger={"kind": "form_answered", "form_id": form.pk, "answers": "first"})
    )
    elsewhere = make_journey(
        graph_with(trigger={"kind": "form_answered", "form_id": other_form.pk})
    )
    user = "U" + "c" * 32
    answer(form, user, Drink="0", Newsletter="on")
    activity_drain()
    enrolments = Enrolment.objects.for_account(account)
    (enrolment,) = enrolments.filter(journey=every)
    assert enrolment.friend.line_user_id == user
    assert enrolment.trigger_properties == {"form": "Survey"}
    assert enrolments.filter(journey=first).count() == 1
    assert not enrolments.filter(journey=elsewhere).exists()


def test_first_answers_only(account):
    friend = FriendFactory(account=account)
    trigger = {"kind": "form_answered", "form_id": 5, "answers": "first"}
    again = activity(account, friend, "form_answered", None, form_id=5, first=False)
    once = activity(account, friend, "form_answered", None, form_id=5, first=True)
    assert trigger_properties(trigger, again) is None
    assert trigger_properties(trigger, once) == {"form": ""}
    assert trigger_properties({**trigger, "answers": "any"}, again) == {"form": ""}


def test_an_unknown_form_is_a_problem(account, scope):
    form = build_form(account)
    context = CheckContext.for_account(account)
    kind = TRIGGER_KINDS["form_answered"]
    assert kind.check({"kind": "form_answered", "form_id": form.pk}, context) == []
    (problem,) = kind.check({"kind": "form_answered", "form_id": form.pk + 99}, context)
    assert problem.code == "unknown_form"
