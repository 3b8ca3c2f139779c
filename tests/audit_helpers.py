"""Asserting audit entries the way a reader of the audit log sees them."""

from __future__ import annotations

from oa_console.models import AuditEntry

ADDRESS = "198.51.100.7"
# Passed to the test client: the request's address as the console sees it (no proxy).
FROM = {"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": "AuditTest/1.0"}


def only_entry(action: str) -> AuditEntry:
    """The one entry of ``action`` (a second one would be a duplicate record)."""
    entries = list(AuditEntry.unscoped.filter(action=action))
    assert len(entries) == 1, f"{action}: {len(entries)} entries"
    return entries[0]


def assert_entry(
    action: str,
    *,
    workspace,
    actor: str,
    target: str,
    account=None,
    address: str | None = ADDRESS,
) -> AuditEntry:
    entry = only_entry(action)
    assert entry.workspace_id == workspace.pk
    assert entry.actor_label == actor
    assert entry.target_label == target
    assert entry.account_id == (account.pk if account is not None else None)
    if account is not None:
        assert entry.account_label == str(account)
    assert entry.ip_address == address
    return entry
