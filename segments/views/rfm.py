"""The RFM page: the R x F grid with counts and shares, and the named cells; every cell opens the
segment builder with that cell as its condition."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from oa_console.permissions import can, require
from oa_console.queueing import enqueue_best_effort
from oa_console.roles import Capability
from segments.rules.fields import RFM_CELL_LABELS
from segments.services import rfm


def _builder_link(request: HttpRequest, condition: dict) -> str:
    url = reverse("segment_new", args=[request.workspace.slug, request.account.slug])
    return f"{url}?{urlencode({'rules': json.dumps({'all': [condition]})})}"


@require_http_methods(["GET", "POST"])
def rfm_page(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    if request.method == "POST":
        from segments.tasks import compute_rfm

        require(request, Capability.EDIT_SEGMENTS)
        if enqueue_best_effort(compute_rfm, (request.account.pk,)):
            messages.success(request, _("RFM is being recomputed; reload in a moment."))
        else:
            messages.error(request, _("The task queue is unavailable; try again in a minute."))
        return redirect("rfm_page", workspace_slug, account_slug)
    grid = rfm.rfm_grid(account=request.account)
    total = grid.total or 1
    rows = []
    for r in range(5, 0, -1):
        cells = []
        for f in range(1, 6):
            count = grid.counts.get((r, f), 0)
            cells.append(
                {
                    "f": f,
                    "count": count,
                    "share": round(100 * count / total, 1),
                    "url": _builder_link(
                        request,
                        {"field": "rfm", "op": "scores", "value": {"r": [r, r], "f": [f, f]}},
                    ),
                    "cell": RFM_CELL_LABELS[rfm.cell_for(r, f)],
                }
            )
        rows.append({"r": r, "cells": cells})
    named = [
        {
            "key": cell.key,
            "label": RFM_CELL_LABELS[cell.key],
            "meaning": cell.meaning,
            "count": grid.cells.get(cell.key, 0),
            "share": round(100 * grid.cells.get(cell.key, 0) / total, 1),
            "url": _builder_link(request, {"field": "rfm", "op": "in_cells", "value": [cell.key]}),
        }
        for cell in rfm.CELLS
    ]
    return render(
        request,
        "segments/rfm.html",
        {
            "grid": grid,
            "rows": rows,
            "named": named,
            "can_edit": can(request, Capability.EDIT_SEGMENTS),
        },
    )
