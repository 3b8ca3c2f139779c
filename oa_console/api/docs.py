"""Descriptions of API operations: each in its own words, with who may call it and its errors.

Every operation passes ``operation_description(...)`` to ``extend_schema(description=...)``.
The operation states what it does and what it returns in its own words; the parts every
operation must state the same way (who may call it, the errors every tenant-scoped call
shares) are written here from ``oa_console.roles``, so the documentation cannot drift from the
role table. Errors answer the envelope ``{"error": {"code", "message", "fields"}}``.
"""

from __future__ import annotations

from collections.abc import Sequence

from oa_console.roles import MINIMUM_ROLE, ROLE_RANK, WORKSPACE_WIDE, Capability

ROLES_ASCENDING = sorted(ROLE_RANK, key=ROLE_RANK.__getitem__)


def _roles_from(minimum: str) -> str:
    roles = [f"{role}s" for role in ROLES_ASCENDING if ROLE_RANK[role] >= ROLE_RANK[minimum]]
    return roles[0] if len(roles) == 1 else ", ".join(roles[:-1]) + " and " + roles[-1]


def who_may_call(
    capability: Capability | None, *, scoped: bool = True, workspace: bool = False
) -> str:
    """The sentence naming the roles allowed, derived from the role table."""
    if not scoped and not workspace:
        return (
            "any member or workspace API key, agents included; the answer holds only the OAs "
            "the caller may see (a login limited to some OAs sees only those)."
        )
    # An operation without a capability of its own reads what the console's pages show:
    # every role that may read every page (agents only reach the chat endpoints).
    minimum = MINIMUM_ROLE[capability or Capability.READ_ALL_PAGES]
    whose = "the workspace" if workspace else "the OA's workspace"
    sentence = f"{_roles_from(minimum)} of {whose}, and API keys with one of those roles"
    if capability in WORKSPACE_WIDE:
        sentence += "; never a login limited to some OAs"
    return sentence + "."


def operation_description(
    what: str,
    *,
    returns: str,
    capability: Capability | None = None,
    errors: Sequence[tuple[int, str]] = (),
    scoped: bool = True,
    workspace: bool = False,
) -> str:
    """Markdown for one operation: what it does, what it returns, who may call it, its errors.

    ``errors`` lists the operation's own failures as ``(status, when)``; 401, 403 (for an
    operation that needs a capability) and 404 (for an unknown or hidden OA) are added here.
    ``workspace`` marks an operation on a workspace (``/workspaces/{workspace}/…``) rather
    than on one OA.
    """
    listed = [
        *errors,
        (401, "no session or API key, or a revoked or malformed key."),
    ]
    if capability is not None or scoped or workspace:
        minimum = MINIMUM_ROLE[capability or Capability.READ_ALL_PAGES]
        listed.append((403, f"the caller's role is below {minimum}."))
    if workspace:
        listed.append(
            (
                404,
                "the workspace does not exist or the caller is not in it (another tenant's "
                "workspace looks exactly like a missing one).",
            )
        )
    elif scoped:
        listed.append(
            (
                404,
                "the OA does not exist or the caller may not see it (another tenant's OA looks "
                "exactly like a missing one).",
            )
        )
    lines = [f"- **{code}** {when}" for code, when in sorted(listed, key=lambda item: item[0])]
    return "\n\n".join(
        [
            what.strip(),
            f"**Returns** {returns.strip()}",
            f"**Who may call it:** {who_may_call(capability, scoped=scoped, workspace=workspace)}",
            '**Errors** (`{"error": {"code", "message", "fields"}}`):\n' + "\n".join(lines),
        ]
    )
