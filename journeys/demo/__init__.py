"""journeys' part of the demo: the seeded journeys with their history (``seed``, walking demo
friends through each graph with ``history`` and ``plans``, in the OA's language from
``texts``/``graphs``) and, under ``make run``, the button that abandons a cart for a demo
friend (``views``).

``register_demo()`` is called from ``JourneysConfig.ready()``.
"""

from __future__ import annotations

from oa_console.demo import register_demo_step

# After the CRM (30), the broadcasts (40) and LINE's follower list (50), so every following
# friend can have a past in the journeys; before the audit log's step (60).
DEMO_ORDER = 55


def register_demo() -> None:
    # The seed reads the models: imported when ``ready()`` calls this, not with the package.
    from journeys.demo.seed import seed_journeys

    register_demo_step(DEMO_ORDER, seed_journeys)
