"""The audit entry of a send: written by the worker when a broadcast's sending ends.

A worker acts without a request, so the entry names the person who approved the broadcast
(else the one who created it); one from a recurring series or the API may have neither, and
is then the system's. The outcome (sent, partly failed, failed) and the counts are its details.
"""

from __future__ import annotations

from broadcasts.models import Broadcast
from oa_console import audit
from oa_console.models import AuditAction


def broadcast_send_recorded(*, broadcast_id: int) -> None:
    """Call inside the transaction that set the final status (it is read back here, by id:
    the one lookup that learns the OA)."""
    broadcast = Broadcast.unscoped.select_related(
        "account__workspace", "reviewed_by", "created_by"
    ).get(pk=broadcast_id)
    details: dict = {
        "outcome": broadcast.status,
        "recipients": broadcast.recipients,
        "accepted": broadcast.accepted_count,
        "failed": broadcast.failed_count,
    }
    if broadcast.error_message:
        details["error"] = broadcast.error_message[:300]
    audit.record(
        AuditAction.BROADCAST_SENT,
        workspace=broadcast.account.workspace,
        actor=broadcast.reviewed_by or broadcast.created_by,
        account=broadcast.account,
        target=broadcast,
        target_label=broadcast.name,
        details={key: value for key, value in details.items() if value is not None},
    )
