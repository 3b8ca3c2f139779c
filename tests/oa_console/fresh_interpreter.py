"""Running a piece of boot code in a fresh interpreter, as a worker or web process starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from django.conf import settings


def run_fresh(code: str) -> list[dict]:
    """Run ``code`` in a new Python with the test settings; one dict per ``RESULT <json>`` line
    it printed (log records may be printed too: JSON lines in production settings)."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return [
        json.loads(line.removeprefix("RESULT "))
        for line in result.stdout.splitlines()
        if line.startswith("RESULT ")
    ]
