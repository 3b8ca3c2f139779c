"""Who tours what: the demo logins, widths and languages, and the demo's first object for each
URL kwarg of the routes that may be pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps

from oa_console.management.commands.seed_demo import (
    DEMO_LOGINS,
    DEMO_WORKSPACES,
)
from oa_console.roles import Capability
from tests.oa_console.tenant_world import (
    PUBLIC_NAMESPACES,
    PUBLIC_URL_NAMES,
    Route,
    all_routes,
)

WIDTHS = (1366, 390)
OWNER = "owner@demo.example"

# Pages a role may not open, by the capability they need; every other page is 200 for every
# login. (404 is what another tenant's object gives; a tour only visits its login's own.)
PAGE_CAPABILITIES: dict[str, Capability] = {
    # The journey builder's forms (the builder itself is read-only for viewers).
    "journey_builder_trigger": Capability.DRAFT_BROADCASTS,
    "journey_builder_entry": Capability.DRAFT_BROADCASTS,
    "journey_builder_goal": Capability.DRAFT_BROADCASTS,
    "journey_builder_node_add": Capability.DRAFT_BROADCASTS,
    "journey_builder_node": Capability.DRAFT_BROADCASTS,
    "workspace_delete": Capability.DELETE_WORKSPACE,
    "workspace_security": Capability.REQUIRE_TWO_FACTOR,
    "member_list": Capability.MANAGE_MEMBERS,
    "member_invite": Capability.MANAGE_MEMBERS,
    "member_edit": Capability.MANAGE_MEMBERS,
    "api_key_list": Capability.MANAGE_API_KEYS,
    "audit_log": Capability.VIEW_AUDIT_LOG,
    "account_create": Capability.MANAGE_ACCOUNTS,
    "account_delete": Capability.MANAGE_ACCOUNTS,
    "broadcast_new": Capability.DRAFT_BROADCASTS,
    "broadcast_edit": Capability.DRAFT_BROADCASTS,
    "journey_new": Capability.DRAFT_BROADCASTS,  # marketers draft journeys as broadcasts
    "friend_personal_data": Capability.MANAGE_PERSONAL_DATA,
    "saved_reply_create": Capability.ANSWER_CHATS,
    "saved_reply_edit": Capability.ANSWER_CHATS,
    "auto_reply_create": Capability.EDIT_AUTO_REPLIES,
    "rich_menu_rule_new": Capability.EDIT_SEGMENTS,
    "rich_menu_rule_edit": Capability.EDIT_SEGMENTS,
    "auto_reply_edit": Capability.EDIT_AUTO_REPLIES,
    "rich_menu_new": Capability.DRAFT_BROADCASTS,
    # Coupons go live in LINE at once: created and closed by those who compose broadcasts.
    "coupon_create": Capability.DRAFT_BROADCASTS,
    "coupon_close": Capability.DRAFT_BROADCASTS,
    "form_create": Capability.EDIT_SEGMENTS,
    "form_edit": Capability.EDIT_SEGMENTS,
    "form_question_create": Capability.EDIT_SEGMENTS,
    "form_question_edit": Capability.EDIT_SEGMENTS,
}

# Public routes with URL kwargs are links handed out (tokens, webhook keys, media), not pages
# of the console; public routes without kwargs are toured like the rest (login, API docs…).
DOWNLOAD_PATH = re.compile(r"\.[a-z]{2,4}$")

RAW_CODE_PATTERNS = (
    re.compile(r"from\d+to\d+"),  # LINE's age ranges
    re.compile(r"\b[a-z]{2}_\d+\b"),  # LINE's area codes (jp_14)
    re.compile(r"\.\d{6}\b"),  # an unformatted decimal (4249.000000)
    re.compile(r"\{'"),  # a Python dict printed as it is
)

# Words that stay as they are in every language: brand and product names, formats, units.
ALLOWED_WORDS = {
    "line",
    "oa",
    "console",
    "voom",
    "csv",
    "json",
    "api",
    "url",
    "urls",
    "qr",
    "rfm",
    "utc",
    "png",
    "jpeg",
    "webhook",
    "webhooks",
    "flex",
    "plotly",
    "htmx",
    # The word a person types to confirm erasing a friend's data, the same in every language.
    "erase",
}
WORD = re.compile(r"[A-Za-z]+(?:['\u2019-][A-Za-z]+)*")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{[^}]*\}")


@dataclass(frozen=True)
class Login:
    email: str
    role: str
    workspace: str
    account: str
    limited: bool


def _demo_logins() -> dict[str, Login]:
    """Each demo login with the workspace and the OA its tour visits (its first of each)."""
    first_oa = {spec.slug: spec.oas[0].slug for spec in DEMO_WORKSPACES}
    logins = {}
    for spec in DEMO_LOGINS:
        workspace, role, oa_slugs = spec.memberships[0]
        account = oa_slugs[0] if oa_slugs else first_oa[workspace]
        logins[spec.email] = Login(spec.email, str(role), workspace, account, bool(oa_slugs))
    return logins


LOGINS = _demo_logins()
# Every login at both widths; the owner (every page) in English at both, four other logins in
# one other language each, half of them at phone width, where longer translations overflow
# first. Every language is toured once: a tour per language beside each login's English ones
# cost CI a minute and found nothing these miss.
OTHER_LANGUAGE_TOURS = {
    ("admin@demo.example", 390): "th",
    ("marketer@demo.example", 1366): "ja",
    ("viewer@demo.example", 390): "id",
    ("client@demo.example", 1366): "zh-hant",
}
TOURS = [
    (email, width, OTHER_LANGUAGE_TOURS.get((email, width), "en"))
    for email in LOGINS
    for width in WIDTHS
]


# --- the demo's first object of each kind, per URL kwarg ------------------------------------


def _first(model_path: str, **filters) -> Any:
    model = apps.get_model(model_path)
    return model._base_manager.filter(**filters).order_by("pk").first()


def _pk(model_path: str, scope: str) -> Callable[[Any, Any], Any]:
    def provide(workspace, account):
        found = _first(model_path, **{scope: workspace if scope == "workspace" else account})
        return found.pk if found else None

    return provide


def _insight_broadcast_key(workspace, account) -> str | None:
    from insights.metrics.broadcasts import broadcast_key

    record = _first("insights.InsightRecord", account=account, report="broadcasts")
    return broadcast_key(record.key) if record else None


def _first_node_id(workspace, account) -> str | None:
    """The first step of the demo's first journey (the builder's step pages)."""
    journey = _first("journeys.Journey", account=account)
    nodes = (journey.draft_graph or {}).get("nodes") if journey else None
    return next(iter(nodes), None) if nodes else None


def _stored_media_message(workspace, account) -> int | None:
    """A chat message whose photo the demo stored (the media view answers an image)."""
    content = _first("inbox.MessageContent", account=account, status="stored")
    return content.message_id if content else None


def _first_form_question(workspace, account) -> int | None:
    """The first question of the demo's first form (the question pages)."""
    form = _first("liff_forms.Form", account=account)
    question = _first("liff_forms.Question", form=form) if form else None
    return question.pk if question else None


def _attr(model_path: str, attribute: str) -> Callable[[Any, Any], Any]:
    def provide(workspace, account):
        found = _first(model_path, account=account)
        return getattr(found, attribute) if found else None

    return provide


DEMO_OBJECTS: dict[str, Callable[[Any, Any], Any]] = {
    "workspace_slug": lambda workspace, account: workspace.slug,
    "workspace": lambda workspace, account: workspace.slug,
    "account_slug": lambda workspace, account: account.slug,
    "account_id": lambda workspace, account: account.pk,
    "membership_id": _pk("oa_console.Membership", "workspace"),
    "invitation_id": _pk("oa_console.Invitation", "workspace"),
    "api_key_id": _pk("oa_console.ApiKey", "workspace"),
    "line_user_id": _attr("segments.Friend", "line_user_id"),
    "event_id": _pk("webhooks.WebhookEvent", "account"),
    "job_id": _pk("insights.ImportJob", "account"),
    "report": _attr("insights.InsightRecord", "report"),
    "segment_id": _pk("segments.Segment", "account"),
    "tag_id": _pk("segments.Tag", "account"),
    "broadcast_id": _pk("broadcasts.Broadcast", "account"),
    "family_id": _pk("segments.TagFamily", "account"),
    "rule_id": _pk("segments.TagRule", "account"),
    "broadcast_key": _insight_broadcast_key,
    "link_id": _pk("segments.CampaignLink", "account"),
    "attribute_id": _pk("segments.AttributeDefinition", "account"),
    "request_id": _attr("insights.BroadcastRequest", "request_id"),
    "journey_id": _pk("journeys.Journey", "account"),
    "secret_id": _pk("journeys.WebhookSecret", "account"),
    "node_id": _first_node_id,
    "conversation_id": _pk("inbox.Conversation", "account"),
    "message_id": _stored_media_message,
    "reply_id": _pk("inbox.SavedReply", "account"),
    "answer_id": _pk("inbox.OutboundAnswer", "account"),
    "auto_reply_id": _pk("inbox.AutoReplyRule", "account"),
    "rich_menu_id": _pk("richmenus.RichMenu", "account"),
    "rich_menu_tab_set_id": _pk("richmenus.RichMenuTabSet", "account"),
    "rich_menu_schedule_id": _pk("richmenus.RichMenuSchedule", "account"),
    "coupon_id": _pk("coupons.Coupon", "account"),
    "form_id": _pk("liff_forms.Form", "account"),
    "question_id": _first_form_question,
    "menu_rule_id": _pk("richmenus.RichMenuRule", "account"),
    "assignment_id": _pk("richmenus.RichMenuAssignment", "account"),
}


def _tourable_routes() -> list[Route]:
    """Routes that may be pages: tenant routes and public routes without URL kwargs, minus the
    admin site, the API (JSON) and downloads."""
    routes = []
    for route in all_routes():
        if route.name.split(":")[0] in PUBLIC_NAMESPACES or "account_id" in route.kwargs:
            continue
        if route.name in PUBLIC_URL_NAMES and route.kwargs:
            continue
        routes.append(route)
    return routes
