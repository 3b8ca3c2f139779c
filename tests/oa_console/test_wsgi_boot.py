"""A gunicorn worker freezes what it loaded at boot out of the garbage collector's reach.

A full collection walks every tracked object, and most of a web worker's are what startup loaded
(Django, the apps, the URLconf with every view module): never garbage, yet walked at each full
collection, 50-130 ms in each of the three workers at about the same moment under load
(bench/inbox.py), every request waiting behind it. ``oa_console.wsgi`` loads the URLconf and
freezes; this imports it in a fresh interpreter, as a gunicorn worker does, and checks.
"""

from __future__ import annotations

from tests.oa_console.fresh_interpreter import run_fresh

BOOT = """
import gc, json, sys
import oa_console.wsgi
views = sorted(m for m in sys.modules if m.endswith(".views") or ".views." in m)
print("RESULT", json.dumps({"frozen": gc.get_freeze_count(), "views": len(views),
      "lazy": sorted(m for m in ("pandas", "numpy", "plotly", "segno") if m in sys.modules)}))
"""


def test_the_web_worker_loads_its_views_and_freezes_them_at_boot():
    [booted] = run_fresh(BOOT)
    assert booted["views"] > 10  # the URLconf's view modules, imported at boot
    assert booted["frozen"] > 100_000  # and frozen with the rest of startup
    assert booted["lazy"] == []  # the libraries some pages use still load on first use
