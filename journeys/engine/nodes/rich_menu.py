"""Switch the friend's rich menu through rich menus' service (one per-user link at LINE).

The menu stays the friend's until the segment menus are next applied to everyone (the rules
page says so). A friend who blocked the OA, or who already has that menu, goes on without a
call; a menu that is no longer published, or LINE refusing, goes on too, with the reason on
the journal line: a menu is a nicety, never a reason to stop the journey.
"""

from __future__ import annotations

from journeys.engine.nodes.base import StepContext, StepResult
from richmenus.services.targeting import published_menus
from richmenus.services.targeting_apply import friend_rich_menu_switch


def execute(ctx: StepContext) -> StepResult:
    menu = published_menus(ctx.account).filter(pk=ctx.node["menu_id"]).first()
    if menu is None:
        return StepResult(outlet="next", detail={"switched": False, "skipped": "no_menu"})
    if ctx.enrolment.is_test:
        return StepResult(outlet="next", detail={"switched": False, "skipped": "test"})
    outcome = friend_rich_menu_switch(account=ctx.account, friend=ctx.friend, menu=menu)
    if outcome is None:
        return StepResult(outlet="next", detail={"switched": False})
    if outcome.accepted:
        return StepResult(outlet="next", detail={"switched": True})
    return StepResult(
        outlet="next",
        detail={"switched": False, "error": outcome.message or outcome.reason or outcome.error},
    )
