"""The API's enrolment: friends named by their LINE user ID or member ID enter a journey under
its entry rules (``enrolment_start``), each answered: enrolled, refused with the rule's reason,
or unknown (never created).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from journeys.engine.enrol import enrolment_start
from journeys.models import Journey
from oa_console.models import LineAccount
from segments.models import Friend


@dataclass
class EnrolResult:
    ref: str
    status: str  # "enrolled" | "refused" | "unknown"
    enrolment_id: int | None = None
    code: str = ""
    reason: str = ""


@dataclass
class EnrolReport:
    results: list[EnrolResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for result in self.results if result.status == status)

    @property
    def enrolled(self) -> int:
        return self.count("enrolled")


@transaction.atomic
def friends_enrol(
    *, account: LineAccount, journey: Journey, refs: list[str], properties: dict
) -> EnrolReport:
    """The API's enrolment: each ref is a LINE user id or a member id of the OA's friends.
    An unknown ref is reported, never created."""
    wanted = [ref for ref in dict.fromkeys(refs) if isinstance(ref, str) and ref]
    friends = Friend.objects.for_account(account).filter(
        Q(line_user_id__in=wanted) | Q(member_id__in=wanted)
    )
    by_user = {}
    by_member = {}
    for friend in friends:
        by_user[friend.line_user_id] = friend
        if friend.member_id:
            by_member[friend.member_id] = friend
    report = EnrolReport()
    now = timezone.now()
    for ref in dict.fromkeys(refs):
        friend = by_user.get(ref) or by_member.get(ref)
        if friend is None:
            report.results.append(
                EnrolResult(
                    ref=str(ref),
                    status="unknown",
                    code="unknown_friend",
                    reason=_("No friend of this OA has this LINE user ID or member ID."),
                )
            )
            continue
        outcome = enrolment_start(
            account=account, journey=journey, friend=friend, properties=properties, now=now
        )
        if outcome.enrolment is not None:
            report.results.append(
                EnrolResult(ref=ref, status="enrolled", enrolment_id=outcome.enrolment.pk)
            )
        else:
            report.results.append(
                EnrolResult(ref=ref, status="refused", code=outcome.refused, reason=outcome.reason)
            )
    return report
