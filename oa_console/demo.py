"""The demo's registry: the steps ``manage.py seed_demo`` runs after the tenancy, in order.

The core cannot import the apps above it, so each app registers the steps that seed its own
data in its ``AppConfig.ready()`` with ``register_demo_step(order, step)``. A step receives
the ``DemoTenancy`` built by ``seed_tenancy()`` and returns how many rows it created (0 when
they were already there). ``order`` places a step among the others' (steps that act through
an audited service come before the audit log's, the dashboards' rollups last).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from oa_console.management.commands.seed_demo import DemoTenancy

DemoStepFunction = Callable[["DemoTenancy"], int]


@dataclass(frozen=True)
class DemoStep:
    order: int
    run: DemoStepFunction

    @property
    def name(self) -> str:
        """What the demo's completeness marker is made of (see ``seed_demo.demo_marker``)."""
        return self.run.__name__


_STEPS: dict[str, DemoStep] = {}


def register_demo_step(order: int, step: DemoStepFunction) -> None:
    """Add ``step`` to the demo at position ``order`` (registering it again replaces it)."""
    taken = {s.order: s.name for s in _STEPS.values() if s.name != step.__name__}
    if order in taken:
        raise ValueError(f"demo step order {order} is taken by {taken[order]}")
    _STEPS[step.__name__] = DemoStep(order=order, run=step)


def demo_steps() -> tuple[DemoStep, ...]:
    """Every registered step, in the order they run."""
    return tuple(sorted(_STEPS.values(), key=lambda step: step.order))


def embedded_demo_enabled() -> bool:
    """The embedded demo (``make run``): DEBUG with the simulated LINE, where nothing a demo
    button sends can reach a real person. The apps' demo buttons exist only then."""
    from django.conf import settings

    from oa_console.line import clients

    return bool(settings.DEBUG) and clients.simulated_host() is not None


def demo_button(request, *, action: str, label: str, title: str, testid: str) -> str:
    """A demo button: a POST form to ``action`` that comes back to the page it is on."""
    from django.middleware.csrf import get_token
    from django.utils.html import format_html

    return format_html(
        '<form method="post" action="{}" class="inline-form" data-testid="{}">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="next" value="{}">'
        '<button type="submit" class="secondary" title="{}">{}</button></form>',
        action,
        testid,
        get_token(request),
        request.get_full_path(),
        title,
        label,
    )


def demo_return_to(request, fallback: str) -> str:
    """Where a demo button's POST goes back to: its ``next`` when it is this site's, else
    ``fallback``."""
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
