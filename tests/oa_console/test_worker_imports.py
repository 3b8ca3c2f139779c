"""A Celery worker boots without the libraries only some pages and jobs need.

Every pool process of a worker carries what the worker imported at boot. pandas and numpy (the
Imports page's file reader), segno (QR codes) and plotly (charts, drawn in the browser) took
about 60 MB of the ~200 MB each process of a broadcast-sending worker held, for nothing: they
are imported where a file is read or a code is drawn. This runs what ``celery worker`` does at
boot in a fresh interpreter (the system checks and task autodiscovery of Celery's Django fixup,
then the ``worker_init`` handlers, which load the LINE SDK and the URLconf with every view) and
checks that none of them was loaded. The pages and jobs that use them have their own tests.
"""

from __future__ import annotations

from tests.oa_console.fresh_interpreter import run_fresh

LAZY = ("pandas", "numpy", "plotly", "segno")

BOOT = """
import json, sys
LAZY = %r
import django
django.setup()
from celery.signals import worker_init
from oa_console.celery import app
app.loader.import_default_modules()
class Worker:  # stands in for the WorkController that sends worker_init
    pass
Worker.app = app
worker_init.send(sender=Worker())
import gc
print("RESULT", json.dumps({"loaded": sorted(m for m in LAZY if m in sys.modules), "modules": len(sys.modules), "frozen": gc.get_freeze_count(), "sdk": "linebot.v3.messaging" in sys.modules}))
"""


def _boot(then: str = "") -> list[dict]:
    """Boot a worker's imports in a fresh interpreter, run ``then``; one dict per printed line."""
    return run_fresh(BOOT % (LAZY,) + then)


def test_worker_boot_loads_no_pandas_numpy_plotly_or_segno():
    (booted,) = _boot()
    # Sanity: the boot really imported the tasks, the URLconf and the LINE SDK.
    assert booted["modules"] > 1000
    assert booted["loaded"] == [], (
        f"a worker now imports {booted['loaded']} at boot; find who with "
        "`python -X importtime` and import it where it is used"
    )


def test_worker_boot_loads_the_line_sdk_and_freezes_it_before_the_pool_forks():
    """What every pool process uses is loaded and frozen in the main process, so the children
    share its pages instead of importing or copying them (see ``oa_console.celery``)."""
    (booted,) = _boot()
    assert booted["sdk"]
    assert booted["frozen"] > 100_000, "the worker's imports are no longer frozen before forking"


def test_lazily_imported_code_still_loads_its_library():
    """The same boot, then a CSV read and a QR code: what moved into functions still works."""
    booted, used = _boot(
        """
import io
from insights.imports.parsing import read_chunks, sniff
from segments.services.campaigns import campaign_link_qr_svg
from segments.models import CampaignLink
sample = "LINE user ID,Member ID\\nU1,M1\\n".encode()
chunks = list(read_chunks(io.BytesIO(sample), sniff(sample, complete=True)))
svg = campaign_link_qr_svg(CampaignLink(token="abc", name="Poster"))
print("RESULT", json.dumps({"loaded": sorted(m for m in LAZY if m in sys.modules),
                  "rows": [chunk.to_dict("records") for chunk in chunks], "svg": svg[:4]}))
"""
    )
    assert booted["loaded"] == []
    assert used == {
        "loaded": ["numpy", "pandas", "segno"],
        "rows": [[{"LINE user ID": "U1", "Member ID": "M1"}]],
        "svg": "<svg",
    }


TRIM = """
import ctypes
from celery.signals import task_postrun, worker_process_init
calls = []
class LibC:  # stands in for glibc, recording what the worker asks of it
    def __init__(self, name):
        if name != "libc.so.6" or %r:
            raise OSError(name)
    def malloc_trim(self, pad):
        calls.append(pad)
ctypes.CDLL = LibC
task_postrun.send(sender=None, task_id="before", task=None)
before = list(calls)
worker_process_init.send(sender=None)
task_postrun.send(sender=None, task_id="one", task=None)
task_postrun.send(sender=None, task_id="two", task=None)
print("RESULT", json.dumps({"before": before, "after": calls}))
"""


def test_pool_processes_trim_the_heap_after_each_task():
    """Once a process is a pool process (``worker_process_init``), every task ends with
    ``malloc_trim(0)``; before that (the web server, tests running tasks eagerly) none does."""
    booted, trimmed = _boot(TRIM % (False,))
    assert booted["loaded"] == []
    assert trimmed == {"before": [], "after": [0, 0]}


def test_pool_processes_without_glibc_run_their_tasks_untrimmed():
    (_booted, trimmed) = _boot(TRIM % (True,))
    assert trimmed == {"before": [], "after": []}


def test_pool_processes_are_replaced_past_a_memory_ceiling_and_a_task_count():
    """The guard reaches Celery under its own names (the CELERY_ namespace of the settings)."""
    from oa_console.celery import app

    assert app.conf.worker_max_memory_per_child == 200_000
    assert app.conf.worker_max_tasks_per_child == 5000
