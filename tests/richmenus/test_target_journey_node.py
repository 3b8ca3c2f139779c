"""The journeys' "Switch rich menu" step: validated against the OA's published menus, linked
at LINE for the friend (pinned over segment menus), and summarised on the drawn flow."""

from datetime import UTC, datetime

from journeys.engine.enrol import enrolment_start
from journeys.engine.runner import enrolments_advance_due
from journeys.flow.summaries import Names, node_summary
from journeys.graph.context import CheckContext
from journeys.graph.validation import validate_graph
from journeys.models import EnrolmentStep
from richmenus.models import FriendRichMenu
from tests.journeys.engine.conftest import graph_with, publish
from tests.richmenus.conftest import make_menu
from tests.segments.factories import FriendFactory

NOW = datetime(2026, 5, 4, 1, 0, tzinfo=UTC)


def _graph(menu_id: int) -> dict:
    return graph_with(
        start="menu",
        nodes={"menu": {"type": "switch_rich_menu", "menu_id": menu_id}, "end": {"type": "exit"}},
        edges={"menu": {"next": "end"}},
    )


def test_the_step_links_the_menu_and_pins_it(account, scope, line_menus):
    menu = make_menu(account, "Sale", "richmenu-sale1")
    friend = FriendFactory(account=account)
    journey = publish(account, _graph(menu.pk))
    enrolment = enrolment_start(
        account=account, journey=journey, friend=friend, properties={}, now=NOW
    ).enrolment
    enrolments_advance_due(now=NOW)
    assert line_menus.links == {friend.line_user_id: "richmenu-sale1"}
    row = FriendRichMenu.objects.for_account(account).get(friend=friend)
    assert row.source == FriendRichMenu.Source.JOURNEY
    details = EnrolmentStep.objects.for_account(account).filter(enrolment=enrolment, node_id="menu")
    assert {"switched": True} in [step.detail for step in details]


def test_an_unknown_or_draft_menu_is_a_problem(account, scope):
    draft = make_menu(account, "Draft", "")
    problems = validate_graph(_graph(draft.pk), context=CheckContext.for_account(account))
    assert [p.code for p in problems] == ["unknown_rich_menu"]
    menu = make_menu(account, "Gold", "richmenu-gold1")
    assert validate_graph(_graph(menu.pk), context=CheckContext.for_account(account)) == []


def test_summary_names_the_menu():
    node = {"type": "switch_rich_menu", "menu_id": 4}
    assert node_summary(node, Names(rich_menus={4: "Sale"})) == "Show the rich menu “Sale”"
