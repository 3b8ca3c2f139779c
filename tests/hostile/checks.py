"""What every answer to a hostile request must be, and how a failure is reported."""

from __future__ import annotations

import json
import traceback

API_PREFIX = "/api/"
# Under /api/ but a page for people (Swagger UI): answers HTML like every page.
API_PAGES = {"/api/v1/docs/"}


def _exception(response) -> str:
    exc_info = getattr(response, "exc_info", None)
    if not exc_info:
        return ""
    frames = traceback.extract_tb(exc_info[2])[-3:]
    where = " <- ".join(f"{f.filename.rsplit('/', 2)[-1]}:{f.lineno}" for f in reversed(frames))
    return f" {exc_info[0].__name__}: {str(exc_info[1])[:200]} at {where}"


def _has_envelope(response) -> bool:
    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    error = body.get("error") if isinstance(body, dict) else None
    return isinstance(error, dict) and {"code", "message", "fields"} <= set(error)


def answer_problem(response, what: str) -> str | None:
    """None when the answer is acceptable, else a line saying what was wrong.

    Pages: any answer below 500. API (a path under /api/): below 500, and a 4xx carries the
    error envelope ``{"error": {"code", "message", "fields"}}``.
    """
    status = response.status_code
    if status >= 500:
        return f"{what} -> {status}{_exception(response)}"
    path = what.split(" ", 2)[1]
    api = path.startswith(API_PREFIX) and path not in API_PAGES
    if api and 400 <= status < 500 and not _has_envelope(response):
        return f"{what} -> {status} without the error envelope: {response.content[:120]!r}"
    return None


def describe(method: str, url: str, detail: str) -> str:
    return f"{method} {url} {detail[:160]!r}"
