"""What bench/imports.py and bench/member_import.py share: handing a CSV on disk to the imports
service as an upload, and running the import job in a separate worker-like process.

The job runs in its own Python process so its peak memory (VmHWM) is the worker's alone, not
the benchmark's, which holds the generated data. Import after ``setup_django()``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile

from bench._guard import BenchFailed
from insights.models import ImportJob

WORKER = """
import json, sys, time
from bench._common import setup_django
setup_django()
from insights.imports.jobs import import_job_run
started = time.perf_counter()
status = import_job_run(job_id=int(sys.argv[1]))
elapsed = time.perf_counter() - started
# VmHWM is this program's own peak (ru_maxrss would include the parent's size at fork).
peak_kb = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({"status": status, "seconds": elapsed, "max_rss_mb": peak_kb / 1024}))
"""


class DiskUpload(UploadedFile):
    """A file already on disk handed to the service as Django's upload handler would."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            path.open("rb"), name=path.name, content_type="text/csv", size=path.stat().st_size
        )


def run_job_in_worker(job_id: int) -> tuple[dict, ImportJob]:
    """Run the import job in a fresh process; its outcome (seconds, worker peak memory) and the
    finished job. A job that did not succeed stops the benchmark."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    result = subprocess.run(
        [sys.executable, "-c", WORKER, str(job_id)], capture_output=True, text=True, env=env
    )
    if result.returncode != 0:
        tail = result.stderr.strip().splitlines()[-3:]
        raise BenchFailed(f"the import worker exited {result.returncode}: {' | '.join(tail)}")
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    job = ImportJob.unscoped.get(pk=job_id)
    if job.status != ImportJob.Status.SUCCEEDED:
        raise BenchFailed(f"the import failed: {job.failure_code} {job.errors[:3]}")
    return outcome, job
