"""The tenant-isolation sweep's world and routes, shared by every sweep (pages, API, the
hostile-input suites, the browser tour).

Tenant isolation sweep: every URL pattern, as a member of workspace A, against workspace B.

The sweep walks the whole URL configuration. Every named pattern must either be listed in
``PUBLIC_URL_NAMES`` (reachable without a tenant: login, webhooks, health) or be sweepable:
each of its URL kwargs needs an entry in ``FOREIGN_KWARG_PROVIDERS`` that returns the value of
an object of *another* tenant. A pattern that is neither fails the suite, so a new URL cannot
ship without being swept.

Two variants are requested for every tenant URL, by GET and by POST:
  1. everything from workspace B (B's workspace slug, B's OA, B's objects);
  2. workspace A's own slugs with B's object ids in the other kwargs (the IDOR case).
Both must answer 404 (405 is tolerated for a method the view does not accept, but at least one
of the two methods must be a 404): another tenant's object looks exactly like a missing one.

The same sweep runs for a client login limited to one OA of workspace A, against a sibling OA
of the same workspace, and for the API with a workspace-A bearer key.

To register a new kwarg: add ``"my_kwarg": lambda world: world.other("my_thing").some_value``
to FOREIGN_KWARG_PROVIDERS, and register a builder in WORLD_BUILDERS that creates that object
for a given (workspace, account) pair, e.g. ``WORLD_BUILDERS["my_thing"] = build_my_thing``
where ``build_my_thing(workspace, account) -> object``. ``world.other(name)`` builds it for
workspace B's OA; ``world.sibling(name)`` for the sibling OA of workspace A.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from oa_console.models import Invitation
from oa_console.roles import Role
from oa_console.services.api_keys import api_key_create
from oa_console.services.invitations import invitation_create
from tests.conftest import make_member
from tests.coupons.helpers import build_coupon
from tests.inbox.autoreply_helpers import build_auto_reply
from tests.inbox.sweep_builders import build_answer, build_conversation, build_saved_reply
from tests.richmenus.design_sweep import build_rich_menu, build_rich_menu_schedule

# Reachable without a tenant in the URL; each has its own tests.
PUBLIC_URL_NAMES = {
    "home",
    "workspace_picker",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "invitation_accept",
    # A user's own two-factor pages and the login's code step: tests/oa_console/test_two_factor*.py
    "two_factor_verify",
    "two_factor_settings",
    "two_factor_enrol",
    "two_factor_codes",
    "two_factor_codes_regenerate",
    "two_factor_disable",
    "set_language",
    "healthz",
    "line_webhook",
    "broadcast_click",  # signed-token click redirect for friends: tests/broadcasts/test_clicks.py
    "journey_click",  # the same for journey sends' links: tests/journeys/test_clicks.py
    "rich_menu_click",  # and for rich menus' links: tests/richmenus/test_publish_clicks.py
    # Campaign add-friend link scanned by anyone: tests/segments/services/test_campaigns.py
    "campaign_link_redirect",
    "broadcast_image",  # uploaded broadcast images LINE fetches: tests/broadcasts/composer/test_bubbles.py
    "api_schema",
    "api_docs",
    "api_account_list",  # lists only the caller's own OAs: covered by tests/oa_console/test_api.py
    "liff_form",  # a form's public LIFF page, named by its unguessable key: tests/liff_forms/
}
# Django admin: staff only, checked separately below.
PUBLIC_NAMESPACES = {"admin"}
# Kwargs that select the tenant itself; variant 2 keeps workspace A's values for them.
TENANT_KWARGS = {"workspace_slug", "account_slug"}


def build_invitation(workspace, account) -> Invitation:
    inviter = make_member(workspace, Role.OWNER, email=f"inviter-{account.slug}@example.com")
    invitation, _token = invitation_create(
        workspace=workspace,
        email=f"invitee-{account.slug}@example.com",
        role=Role.VIEWER,
        invited_by=inviter,
        acting_role=Role.OWNER,
    )
    return invitation


def build_api_key(workspace, account):
    api_key, _raw = api_key_create(
        workspace=workspace, name=f"key {account.slug}", role=Role.VIEWER
    )
    return api_key


def build_membership(workspace, account):
    user = make_member(workspace, Role.MARKETER, email=f"member-{account.slug}@example.com")
    return user.memberships.model.unscoped.get(user=user, workspace=workspace)


def build_import_job(workspace, account):
    """A finished import with both downloads named; the files themselves do not exist, so a
    download reached across tenants would fail loudly (500) instead of passing as a 404."""
    from tests.insights.factories import ImportJobFactory

    return ImportJobFactory(
        account=account,
        skipped_file=f"imports/{account.pk}/missing-skipped-rows.csv",
        unknown_file=f"imports/{account.pk}/missing-unknown-ids.csv",
        unknown=1,
    )


def build_insight_report(workspace, account) -> str:
    """A report type with stored rows in this OA (the URL kwarg is the report's name)."""
    from tests.insights.factories import InsightRecordFactory

    return InsightRecordFactory(account=account, report="friends").report


def build_friend(workspace, account):
    from tests.segments.factories import FriendFactory

    return FriendFactory(account=account, line_user_id="U" + f"{account.pk:032x}")


def build_webhook_event(workspace, account):
    from tests.webhooks.factories import stored_event

    return stored_event(account)


def build_segment(workspace, account):
    from segments.models import Segment

    return Segment.unscoped.create(account=account, name="Everyone", rules={"all": []})


def build_tag(workspace, account):
    from segments.models import Tag

    return Tag.unscoped.create(account=account, name="vip")


def build_tag_family(workspace, account):
    from segments.models import TagFamily

    return TagFamily.unscoped.create(account=account, name="interest")


def build_tag_rule(workspace, account):
    from segments.models import Tag, TagRule

    tag = Tag.unscoped.create(account=account, name="ruled")
    return TagRule.unscoped.create(account=account, tag=tag, kind="keyword", pattern="hi")


def build_attribute(workspace, account):
    from segments.models import AttributeDefinition

    return AttributeDefinition.unscoped.create(
        account=account, key="points", label="Points", type="number"
    )


def build_campaign_link(workspace, account):
    from segments.models import CampaignLink

    return CampaignLink.unscoped.create(
        account=account, name="Poster", source="poster", token=f"tok{account.pk}"
    )


def build_broadcast(workspace, account):
    from broadcasts.models import Broadcast

    return Broadcast.unscoped.create(
        account=account, name="Sale", messages=[{"type": "text", "text": "hi"}]
    )


def build_insight_broadcast(workspace, account) -> str:
    """A broadcast of the imported statistics; the URL kwarg is its stable key."""
    from insights.metrics.broadcasts import broadcast_key
    from tests.insights.factories import InsightRecordFactory

    record = InsightRecordFactory(
        account=account,
        report="broadcasts",
        key=f"req-{account.pk}",
        values={"request_id": f"req-{account.pk}", "sent_at": "2025-03-02T12:00:00"},
    )
    return broadcast_key(record.key)


def build_broadcast_request(workspace, account) -> str:
    """A broadcast request id the OA sent, with fetched per-bubble and per-URL statistics."""

    from insights.models import BroadcastBubbleStat, BroadcastRequest, BroadcastUrlStat

    now = timezone.now()
    request = BroadcastRequest.unscoped.create(
        account=account, request_id=f"request-{account.pk}", sent_at=now, last_fetched_at=now
    )
    BroadcastBubbleStat.unscoped.create(
        account=account, request=request, position=0, seq=1, impressions=50, fetched_at=now
    )
    BroadcastUrlStat.unscoped.create(
        account=account, request=request, position=0, url="https://x.example/", fetched_at=now
    )
    return request.request_id


def build_follower_sync(workspace, account):
    from segments.models import FollowerSync

    return FollowerSync.unscoped.create(account=account, trigger="manual", status="done")


def build_journey(workspace, account):
    from journeys.models import Journey

    return Journey.unscoped.create(account=account, name="Cart", draft_graph={})


def build_webhook_secret(workspace, account):
    from journeys.models import WebhookSecret

    return WebhookSecret.unscoped.create(account=account, name="shop", secret="x" * 20)


def build_form(workspace, account):
    from liff_forms.models import Question
    from tests.liff_forms.helpers import build_form as form_with_questions

    form = form_with_questions(account)
    form.sweep_question_id = Question.unscoped.filter(form=form).first().pk
    return form


# name -> builder(workspace, account) creating that object inside the given tenant.
WORLD_BUILDERS: dict[str, Callable] = {
    "tag_family": build_tag_family,
    "tag_rule": build_tag_rule,
    "segment": build_segment,
    "tag": build_tag,
    "friend": build_friend,
    "webhook_event": build_webhook_event,
    "invitation": build_invitation,
    "api_key": build_api_key,
    "membership": build_membership,
    "import_job": build_import_job,
    "insight_report": build_insight_report,
    "broadcast": build_broadcast,
    "campaign_link": build_campaign_link,
    "attribute": build_attribute,
    "insight_broadcast": build_insight_broadcast,
    "broadcast_request": build_broadcast_request,
    "follower_sync": build_follower_sync,
    "journey": build_journey,
    "webhook_secret": build_webhook_secret,
    "conversation": build_conversation,
    "answer": build_answer,
    "saved_reply": build_saved_reply,
    "auto_reply": build_auto_reply,
    "rich_menu": build_rich_menu,
    "rich_menu_schedule": build_rich_menu_schedule,
    "coupon": build_coupon,
    "form": build_form,
}


@dataclass
class World:
    workspace: object
    account: object
    sibling_account: object
    other_workspace: object
    other_account: object
    _cache: dict = field(default_factory=dict)

    def _build(self, name: str, workspace, account):
        key = (name, account.pk)
        if key not in self._cache:
            self._cache[key] = WORLD_BUILDERS[name](workspace, account)
        return self._cache[key]

    def other(self, name: str):
        """The object ``name`` in workspace B."""
        return self._build(name, self.other_workspace, self.other_account)

    def sibling(self, name: str):
        """The object ``name`` in the sibling OA of workspace A (for limited client logins)."""
        return self._build(name, self.workspace, self.sibling_account)


FOREIGN_KWARG_PROVIDERS: dict[str, Callable[[World], object]] = {
    "workspace_slug": lambda world: world.other_workspace.slug,
    "workspace": lambda world: world.other_workspace.slug,  # the API's workspace paths
    "account_slug": lambda world: world.other_account.slug,
    "account_id": lambda world: world.other_account.pk,
    "membership_id": lambda world: world.other("membership").pk,
    "invitation_id": lambda world: world.other("invitation").pk,
    "api_key_id": lambda world: world.other("api_key").pk,
    "line_user_id": lambda world: world.other("friend").line_user_id,
    "event_id": lambda world: world.other("webhook_event").pk,
    "job_id": lambda world: world.other("import_job").pk,
    "report": lambda world: world.other("insight_report"),
    "segment_id": lambda world: world.other("segment").pk,
    "tag_id": lambda world: world.other("tag").pk,
    "broadcast_id": lambda world: world.other("broadcast").pk,
    "family_id": lambda world: world.other("tag_family").pk,
    "rule_id": lambda world: world.other("tag_rule").pk,
    "broadcast_key": lambda world: world.other("insight_broadcast"),
    "link_id": lambda world: world.other("campaign_link").pk,
    "attribute_id": lambda world: world.other("attribute").pk,
    "request_id": lambda world: world.other("broadcast_request"),
    "sync_id": lambda world: world.other("follower_sync").pk,
    "journey_id": lambda world: world.other("journey").pk,
    "secret_id": lambda world: world.other("webhook_secret").pk,
    "conversation_id": lambda world: world.other("conversation").pk,
    "message_id": lambda world: world.other("conversation").sweep_message.pk,
    "answer_id": lambda world: world.other("answer").pk,
    "reply_id": lambda world: world.other("saved_reply").pk,
    "auto_reply_id": lambda world: world.other("auto_reply").pk,
    "rich_menu_id": lambda world: world.other("rich_menu").pk,
    "rich_menu_tab_set_id": lambda world: world.other("rich_menu").tab_set_id,
    "rich_menu_schedule_id": lambda world: world.other("rich_menu_schedule").pk,
    "coupon_id": lambda world: world.other("coupon").pk,
    "form_id": lambda world: world.other("form").pk,
    "question_id": lambda world: world.other("form").sweep_question_id,
    # A step of a journey: ids are names inside the graph, so the journey decides the tenant.
    "node_id": lambda world: "start",
}

# For a client limited to workspace A's first OA, the "foreign" objects live in the sibling OA.
SIBLING_KWARG_PROVIDERS: dict[str, Callable[[World], object]] = {
    "account_slug": lambda world: world.sibling_account.slug,
    "account_id": lambda world: world.sibling_account.pk,
}


@dataclass(frozen=True)
class Route:
    name: str
    kwargs: tuple[str, ...]
    api: bool = False  # under /api/ (answered by DRF, reached with a bearer key too)


def all_routes() -> list[Route]:
    """Every URL pattern of the project with its full name and URL kwargs."""
    routes: list[Route] = []

    def walk(patterns, namespace: str | None, inherited: tuple[str, ...], prefix: str):
        for entry in patterns:
            kwargs = inherited + tuple(getattr(entry.pattern, "converters", {}).keys())
            if isinstance(entry, URLResolver):
                ns = entry.namespace if entry.namespace else namespace
                if namespace and entry.namespace:
                    ns = f"{namespace}:{entry.namespace}"
                walk(entry.url_patterns, ns, kwargs, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                name = entry.name or f"<unnamed {entry.pattern}>"
                routes.append(
                    Route(
                        f"{namespace}:{name}" if namespace else name,
                        kwargs,
                        api=prefix.startswith("api/"),
                    )
                )

    walk(get_resolver().url_patterns, None, (), "")
    return routes


def tenant_routes() -> list[Route]:
    return [
        route
        for route in all_routes()
        if route.name not in PUBLIC_URL_NAMES and route.name.split(":")[0] not in PUBLIC_NAMESPACES
    ]
