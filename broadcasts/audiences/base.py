"""What every broadcast audience kind answers, so no caller switches on ``audience_kind``.

An audience kind decides: which inputs the composer and the API must give (a saved segment, a
LINE demographic filter), which friends the console can list as candidates (or none, when LINE
picks them), how a bulk send goes to LINE, whether the friends must be uploaded to LINE as an
audience, and whether the console chooses each recipient (A/B variants, a holdout,
``{displayName}``). The defaults describe a kind with neither a segment nor a filter.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from broadcasts.messages import demographic_errors
from broadcasts.models import Broadcast
from segments.models import Friend, Segment
from segments.rules.validation import RuleContext, RuleError, rules_errors

if TYPE_CHECKING:
    from oa_console.models import LineAccount

Method = Broadcast.Method


def invalid_audience_text(segment_name: str, errors: list[RuleError]) -> str:
    """Why a broadcast cannot go to its segment, naming each problem's place in the rules."""
    listed = "; ".join(f"{error.path}: {error.message}" for error in errors)
    return _(
        "The rules of the segment “%(segment)s” are not valid (%(errors)s); fix them on the "
        "segment's page."
    ) % {"segment": segment_name, "errors": listed}


class Audience:
    """One audience kind. Subclasses set the flags and override what differs."""

    kind: ClassVar[str]
    uses_segment: ClassVar[bool] = False  # the composer asks for a saved segment
    uses_filter: ClassVar[bool] = False  # the composer asks for a LINE demographic filter
    # LINE applies a demographic filter itself: the console cannot know who received the
    # message, so clicks are counted per link and nothing can be sent per friend.
    line_picks_recipients: ClassVar[bool] = False
    # The console lists each recipient and may send each a message of their own: A/B
    # variants, a holdout and ``{displayName}`` need this.
    chooses_each_recipient: ClassVar[bool] = False
    # The candidates go to LINE as an uploaded audience (narrowcast with an audience object).
    needs_audience_upload: ClassVar[bool] = False
    # The API's audience object names the kind by these keys (``{"all": true}``, ...).
    api_keys: ClassVar[frozenset[str]] = frozenset()

    @property
    def label(self) -> str:
        """The kind's name as pages show it (the model field's choice label)."""
        return str(Broadcast.AudienceKind(self.kind).label)

    def clean(
        self, *, account: LineAccount, segment_id: int | None, demographic: Any
    ) -> tuple[Segment | None, dict[str, list[str]]]:
        """The saved segment the input names (when the kind uses one) and every problem of
        the input, keyed by the composer's field."""
        errors: dict[str, list[str]] = {}
        segment = None
        if self.uses_segment:
            segment = (
                Segment.objects.for_account(account).filter(pk=segment_id).first()
                if segment_id
                else None
            )
            if segment is None:
                errors["segment"] = [_("Choose one of this OA's saved segments.")]
            else:
                rule_errors = rules_errors(segment.rules, context=RuleContext.for_account(account))
                if rule_errors:
                    errors["segment"] = [invalid_audience_text(segment.name, rule_errors)]
        if self.uses_filter:
            problems = demographic_errors(demographic)
            if problems:
                errors["demographic"] = problems
        return segment, errors

    def candidates(self, broadcast: Broadcast, now: datetime) -> QuerySet[Friend] | None:
        """Friends the audience names, any status; None when LINE picks them."""
        return None

    def bulk_method(self, excluded_by_cap: int) -> str:
        """How one message for everyone goes to LINE (push is decided per message)."""
        return Method.NARROWCAST

    def method_notes(self, method: str) -> list[str]:
        """Notes for the estimate panel about the chosen method."""
        return []

    def api_out(self, broadcast: Broadcast) -> dict:
        """The API's ``audience`` object for a stored broadcast."""
        audience: dict = {}
        if broadcast.segment_id:
            audience["segment"] = broadcast.segment_id
        if broadcast.demographic:
            audience["demographic"] = broadcast.demographic
        return audience
