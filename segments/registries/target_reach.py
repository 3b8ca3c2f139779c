"""LINE's target reach of an OA, registered by the insights app (which stores LINE's followers
figures and sits above segments): the broadcast composer and the demo's simulated LINE read it.

Imports no models, so an app's ``apps.py`` can import it at the top.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oa_console.models import LineAccount

# The newest figure of an OA: an object with ``value`` and ``date``, or None.
TargetReach = Callable[["LineAccount"], Any]

_target_reach: list[TargetReach] = []


def register_target_reach(provider: TargetReach) -> None:
    """Insights registers this; registering again replaces it."""
    _target_reach[:] = [provider]


def line_target_reach(account: LineAccount) -> Any:
    """The newest target reach LINE published for the OA, or None (no figures, or no provider)."""
    return _target_reach[0](account) if _target_reach else None
