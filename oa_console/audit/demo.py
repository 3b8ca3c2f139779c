"""The demo's audit log: what the demo's people did over the last weeks, from their offices.

The other demo steps act through the services without requests, so their entries (segments,
imports, broadcasts) carry no address and the moment of seeding. This step spreads them over
the last four weeks, gives each person an address and a browser, names the people who would
have done what the seed did as "system", and adds the team's own story: invitations, a client
limited to its OA, API keys, a replaced token and a few downloads.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from oa_console import audit
from oa_console.audit.record import SYSTEM_ACTOR
from oa_console.models import AuditAction, AuditEntry

if TYPE_CHECKING:
    from oa_console.management.commands.seed_demo import DemoTenancy

DEMO_BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/17.5"
ADDRESSES = {  # documentation ranges (RFC 5737): the demo's offices
    "owner@demo.example": "203.0.113.24",
    "admin@demo.example": "203.0.113.61",
    "marketer@demo.example": "198.51.100.17",
    "viewer@demo.example": "198.51.100.42",
    "client@demo.example": "192.0.2.88",
}
# Who would have done what the other steps seeded without naming anyone.
SEEDED_BY = {
    AuditAction.IMPORT_UPLOADED: "admin@demo.example",
    AuditAction.SEGMENT_CREATED: "marketer@demo.example",
    AuditAction.ACCOUNT_CONNECTED: "owner@demo.example",
}
A = AuditAction


def _story(demo: DemoTenancy) -> list[tuple[int, str, str, dict]]:
    """(days ago, actor, action, record kwargs) of the agency team's own actions."""
    cosmetics = demo.accounts["tokyo-cosmetics"]
    cafe = demo.accounts["taipei-cafe"]
    fitness = demo.accounts["bangkok-fitness"]
    owner, admin = "owner@demo.example", "admin@demo.example"
    story: list[tuple[int, str, str, dict]] = []
    for days, email, role, oas in (
        (27, admin, "admin", []),
        (27, "marketer@demo.example", "marketer", []),
        (26, "viewer@demo.example", "viewer", []),
        (20, "client@demo.example", "viewer", [cosmetics.display_name]),
    ):
        story.append(
            (
                days,
                owner,
                A.MEMBER_INVITED,
                {"target_label": email, "details": {"role": role, "oas": oas}},
            )
        )
        story.append(
            (
                days - 1,
                email,
                A.INVITATION_ACCEPTED,
                {"target_label": email, "details": {"role": role, "oas": oas}},
            )
        )
    story += [
        (
            24,
            owner,
            A.INVITATION_REVOKED,
            {"target_label": "intern@sakura-digital.example", "details": {"role": "marketer"}},
        ),
        (
            19,
            owner,
            A.MEMBER_ROLE_CHANGED,
            {
                "target_label": "client@demo.example",
                "details": {"changed": {"oas": [[], [cosmetics.display_name]]}},
            },
        ),
        (
            18,
            admin,
            A.API_KEY_CREATED,
            {"target_label": "POS sync (3fa9c2d18e04…)", "details": {"role": "marketer"}},
        ),
        (
            17,
            admin,
            A.API_KEY_CREATED,
            {"target_label": "Test key (b71e00c94a12…)", "details": {"role": "viewer"}},
        ),
        (
            16,
            admin,
            A.API_KEY_REVOKED,
            {"target_label": "Test key (b71e00c94a12…)", "details": {"role": "viewer"}},
        ),
        (
            14,
            admin,
            A.ACCOUNT_SECRET_ROTATED,
            {"account": cafe, "target": cafe, "details": {"replaced": ["access_token"]}},
        ),
        (
            12,
            admin,
            A.ACCOUNT_EDITED,
            {
                "account": fitness,
                "target": fitness,
                "details": {"changed": {"time_zone": ["Asia/Tokyo", "Asia/Bangkok"]}},
            },
        ),
        (
            9,
            "marketer@demo.example",
            A.DATA_EXPORTED,
            {"account": cosmetics, "details": {"export": "friends", "filters": "Following"}},
        ),
        (
            6,
            "viewer@demo.example",
            A.DATA_EXPORTED,
            {"account": cafe, "details": {"export": "friends", "filters": ""}},
        ),
        (
            4,
            owner,
            A.MEMBER_REMOVED,
            {"target_label": "freelancer@demo.example", "details": {"role": "marketer", "oas": []}},
        ),
        (
            1,
            owner,
            A.DATA_EXPORTED,
            {"details": {"export": "audit_log", "filters": "Action=Data exported"}},
        ),
    ]
    return story


def seed_audit_log(demo: DemoTenancy) -> int:
    """Returns how many entries it added (0 when the demo's log is already told)."""
    agency = demo.workspaces["demo-agency"]
    if AuditEntry.objects.for_workspace(agency).filter(user_agent=DEMO_BROWSER).exists():
        return 0
    now = timezone.now()
    users = demo.users
    for workspace in demo.workspaces.values():
        entries = AuditEntry.objects.for_workspace(workspace)
        seeded = list(entries.order_by("pk"))
        for index, entry in enumerate(seeded):
            email = SEEDED_BY.get(entry.action) if entry.actor_label == SYSTEM_ACTOR else None
            if email:
                entry.actor, entry.actor_label = users[email], email
            # A worker's entry (a send) has no address: nobody made a request.
            if entry.actor_label in ADDRESSES and entry.action != AuditAction.BROADCAST_SENT:
                entry.ip_address, entry.user_agent = ADDRESSES[entry.actor_label], DEMO_BROWSER
            # Oldest first over the last four weeks, the order kept.
            entry.created_at = now - timedelta(hours=24 * 28 * (len(seeded) - index) / len(seeded))
        entries.bulk_update(
            seeded, ["actor", "actor_label", "ip_address", "user_agent", "created_at"]
        )
    created = 0
    for days, email, action, kwargs in _story(demo):
        entry = audit.record(action, workspace=agency, actor=users[email], **kwargs)
        AuditEntry.objects.for_workspace(agency).filter(pk=entry.pk).update(
            created_at=now - timedelta(days=days, hours=created % 7, minutes=created * 13 % 60),
            ip_address=ADDRESSES[email],
            user_agent=DEMO_BROWSER,
        )
        created += 1
    return created
