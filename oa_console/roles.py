"""Workspace roles and what each may do.

Roles are ordered: every role can do what the roles below it can. Checks compare ranks so a
new capability names the lowest role allowed, in one place (``Capability``).
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # Answers friends' chats: the inbox and the friend pages only (``READ_ALL_PAGES``).
    AGENT = "agent", _("Agent")
    VIEWER = "viewer", _("Viewer")
    MARKETER = "marketer", _("Marketer")
    ADMIN = "admin", _("Admin")
    OWNER = "owner", _("Owner")


ROLE_RANK: dict[str, int] = {
    Role.AGENT: 0,
    Role.VIEWER: 1,
    Role.MARKETER: 2,
    Role.ADMIN: 3,
    Role.OWNER: 4,
}


class Capability(StrEnum):
    """Actions, each mapped to the lowest role allowed to perform it."""

    # The chats of the OAs a member may see (the inbox pages and API): every role.
    USE_INBOX = "use_inbox"
    # Answer friends from the inbox (page and API): agents, marketers and up; a viewer (and a
    # client's read-only login) reads the chats but never writes to a friend.
    ANSWER_CHATS = "answer_chats"
    # Every page beyond the inbox and the friend pages (insights, broadcasts, journeys,
    # settings...): an agent has only the pages marked ``permissions.agent_page``.
    READ_ALL_PAGES = "read_all_pages"

    EDIT_SEGMENTS = "edit_segments"
    DRAFT_BROADCASTS = "draft_broadcasts"
    UPLOAD_IMPORTS = "upload_imports"
    MANAGE_ACCOUNTS = "manage_accounts"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_API_KEYS = "manage_api_keys"
    APPROVE_BROADCASTS = "approve_broadcasts"
    # Journeys answer friends on their own once active: marketers draft and submit them, an
    # admin activates them (as broadcasts are approved).
    DRAFT_JOURNEYS = "draft_journeys"
    ACTIVATE_JOURNEYS = "activate_journeys"
    OPERATE_WEBHOOK = "operate_webhook"
    # Auto-reply rules and business hours answer friends on their own: marketers and up
    # (agents and viewers see the rules and use the rule tester).
    EDIT_AUTO_REPLIES = "edit_auto_replies"
    SYNC_FOLLOWERS = "sync_followers"
    DELETE_WORKSPACE = "delete_workspace"
    # Export or erase everything held about one friend (personal-data requests).
    MANAGE_PERSONAL_DATA = "manage_personal_data"
    REQUIRE_TWO_FACTOR = "require_two_factor"
    # Read the workspace's audit log (who did what, from where): owners and admins.
    VIEW_AUDIT_LOG = "view_audit_log"


MINIMUM_ROLE: dict[Capability, str] = {
    Capability.USE_INBOX: Role.AGENT,
    Capability.ANSWER_CHATS: Role.AGENT,
    Capability.READ_ALL_PAGES: Role.VIEWER,
    Capability.EDIT_SEGMENTS: Role.MARKETER,
    Capability.DRAFT_BROADCASTS: Role.MARKETER,
    Capability.UPLOAD_IMPORTS: Role.MARKETER,
    Capability.MANAGE_ACCOUNTS: Role.ADMIN,
    Capability.MANAGE_MEMBERS: Role.ADMIN,
    Capability.MANAGE_API_KEYS: Role.ADMIN,
    Capability.APPROVE_BROADCASTS: Role.ADMIN,
    Capability.DRAFT_JOURNEYS: Role.MARKETER,
    Capability.ACTIVATE_JOURNEYS: Role.ADMIN,
    Capability.EDIT_AUTO_REPLIES: Role.MARKETER,
    # Reprocess failed webhook events, send a signed test event: one OA's operations.
    Capability.OPERATE_WEBHOOK: Role.ADMIN,
    # Read LINE's follower list now (it adds and unfollows friends): one OA's operation.
    Capability.SYNC_FOLLOWERS: Role.ADMIN,
    Capability.DELETE_WORKSPACE: Role.OWNER,
    Capability.MANAGE_PERSONAL_DATA: Role.ADMIN,
    # Make two-factor sign-in mandatory for every member: the owner's decision.
    Capability.REQUIRE_TWO_FACTOR: Role.OWNER,
    Capability.VIEW_AUDIT_LOG: Role.ADMIN,
}

# Workspace-wide capabilities: a membership limited to some OAs (a client login) never has
# them, whatever its role, because they reach beyond the OAs it may see.
WORKSPACE_WIDE: frozenset[Capability] = frozenset(
    {
        Capability.MANAGE_ACCOUNTS,
        Capability.MANAGE_MEMBERS,
        Capability.MANAGE_API_KEYS,
        Capability.DELETE_WORKSPACE,
        Capability.REQUIRE_TWO_FACTOR,
        Capability.VIEW_AUDIT_LOG,
    }
)


# Roles refused a capability their rank would allow: the agent ranks below the viewer (it sees
# fewer pages) yet answers chats, which the read-only viewer may not.
REFUSED_ROLES: dict[Capability, frozenset[str]] = {
    Capability.ANSWER_CHATS: frozenset({Role.VIEWER}),
}


def role_allows(role: str, capability: Capability, *, limited: bool = False) -> bool:
    if limited and capability in WORKSPACE_WIDE:
        return False
    if role in REFUSED_ROLES.get(capability, ()):
        return False
    return ROLE_RANK[role] >= ROLE_RANK[MINIMUM_ROLE[capability]]


def role_at_least(role: str, minimum: str) -> bool:
    return ROLE_RANK[role] >= ROLE_RANK[minimum]
