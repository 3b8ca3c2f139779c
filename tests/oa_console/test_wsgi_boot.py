"""A gunicorn worker freezes what it loaded at boot out of the garbage collector's reach.

A full collection walks every tracked object, and most of a web worker's are what startup loaded
(Django, the apps, the URLconf with every view module): never garbage, yet walked at each full
collection, 50-130 ms in each of the three workers at about the same moment under load
(bench/inbox.py), every request waiting behind it. ``oa_console.wsgi`` loads the URLconf and
freezes; this imports it in a fresh interpreter, as a gunicorn worker does, and checks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from django.conf import settings

BOOT = """
import gc, json, sys
import oa_console.wsgi
views = sorted(m for m in sys.modules if m.endswith(".views") or ".views." in m)
print("RESULT", json.dumps({"frozen": gc.get_freeze_count(), "views": len(views),
      "lazy": sorted(m for m in ("pandas", "numpy", "plotly", "segno") if m in sys.modules)}))
"""


def test_the_web_worker_loads_its_views_and_freezes_them_at_boot():
    result = subprocess.run(
        [sys.executable, "-c", BOOT],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    [line] = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    booted = json.loads(line.removeprefix("RESULT "))
    assert booted["views"] > 10  # the URLconf's view modules, imported at boot
    assert booted["frozen"] > 100_000  # and frozen with the rest of startup
    assert booted["lazy"] == []  # the libraries some pages use still load on first use
