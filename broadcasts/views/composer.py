"""The composer pages (new, edit) with the live chat preview and the audience/cost panel."""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from broadcasts.composer.form import BroadcastForm
from broadcasts.composer.inputs import apply_variant_action
from broadcasts.composer.reach import audience_reach
from broadcasts.models import Broadcast
from broadcasts.services import variants, workflow
from broadcasts.views.common import (
    broadcast_or_404,
    detail_url,
    sample_name,
)
from oa_console.permissions import require
from oa_console.roles import Capability
from oa_console.views._render import render_page
from segments.selectors.segments import segment_list


def _composer(request: HttpRequest, broadcast: Broadcast | None) -> HttpResponse:
    require(request, Capability.DRAFT_BROADCASTS)
    account = request.account
    segments = list(segment_list(account=account))
    template = "broadcasts/broadcast_form.html"
    if request.method == "GET":
        initial = (
            BroadcastForm.initial_for(broadcast, variants.variant_list(broadcast=broadcast))
            if broadcast
            else {}
        )
        form = BroadcastForm(initial=initial, segments=segments, account=account)
        return render_page(
            request,
            template,
            {
                "form": form,
                "broadcast": broadcast,
                "previews": form.preview_sets() if broadcast else [],
                "sample_name": sample_name(request),
                "reach": audience_reach(account=account),
            },
            partials=["broadcast-preview"],
        )
    if request.htmx and request.htmx.target == "broadcast-preview":
        # Checked first: htmx adds the last clicked submit button ("Add variant") to the form's
        # own preview requests too, and those must still answer with the preview.
        form = BroadcastForm(request.POST, request.FILES, segments=segments, account=account)
        return render_page(
            request,
            template,
            {"previews": form.preview_sets(), "sample_name": sample_name(request)},
            partials=["broadcast-preview"],
        )
    if request.POST.get("audience_action") == "line-broadcast":
        # The audience panel's offer: all friends, clicks per link, so it goes out as one LINE
        # broadcast that reaches every friend LINE can message. Shown again, not yet saved.
        values = apply_variant_action(request.POST, "")
        values.update(audience_kind=Broadcast.AudienceKind.ALL, click_attribution="link")
        form = BroadcastForm(initial=values, segments=segments, account=account)
        return render_page(
            request,
            template,
            {
                "form": form,
                "broadcast": broadcast,
                "previews": form.preview_sets(),
                "sample_name": sample_name(request),
                "reach": audience_reach(account=account),
                "line_broadcast_chosen": True,
            },
            partials=["broadcast-audience"],
        )
    if request.POST.get("variant_action"):
        # "Add variant" / "Remove variant": the same inputs with one variant more or less,
        # shown again (unbound, so nothing is validated or saved yet).
        form = BroadcastForm(
            initial=apply_variant_action(request.POST, request.POST["variant_action"]),
            segments=segments,
            account=account,
        )
        return render_page(
            request,
            template,
            {
                "form": form,
                "broadcast": broadcast,
                "previews": form.preview_sets(),
                "sample_name": sample_name(request),
                "oob_preview": True,
                "reach": audience_reach(account=account),
            },
            partials=["broadcast-variants"],
        )
    form = BroadcastForm(request.POST, request.FILES, segments=segments, account=account)
    if form.is_valid():
        data = form.cleaned_data
        fields = {
            "name": data["name"],
            "goal": data["goal"],
            "messages": data["messages"],
            "audience_kind": data["audience_kind"],
            "segment_id": data["segment"],
            "demographic": data["demographic_json"],
            "track_clicks": data["track_clicks"],
            "click_attribution": data["click_attribution"],
            "repeat_weekdays": data["repeat_weekdays"],
            "holdout_percent": data["holdout_percent"] or 0,
            "variants": data["variants"],
            "variant_test_percent": data["variant_test_percent"] or 100,
        }
        try:
            if broadcast is None:
                broadcast = workflow.broadcast_create(
                    account=account, created_by=request.user, request=request, **fields
                )
                messages.success(request, _("Draft saved."))
            else:
                before = broadcast.status
                broadcast = workflow.broadcast_update(broadcast=broadcast, **fields)
                if before != broadcast.status:
                    messages.warning(
                        request, _("The broadcast changed, so it needs to be approved again.")
                    )
                else:
                    messages.success(request, _("Changes saved."))
            return redirect(detail_url(request, broadcast))
        except ValidationError as exc:
            for field, problems in exc.message_dict.items():
                target = {
                    "messages": "bubble_1_type",
                    "audience": "audience_kind",
                    "segment_id": "segment",
                    "holdout_percent": "holdout_percent",
                    "click_attribution": "click_attribution",
                    "variants": "variant_test_percent",
                }.get(field, _variant_field(field))
                for problem in problems:
                    form.add_error(target if target in form.fields else None, problem)
        except workflow.BroadcastConflict as exc:
            messages.error(request, str(exc))
            return redirect(detail_url(request, broadcast))
    response = render_page(
        request,
        template,
        {
            "form": form,
            "broadcast": broadcast,
            "previews": form.preview_sets(),
            "sample_name": sample_name(request),
            "reach": audience_reach(account=account),
        },
    )
    response.status_code = 400
    return response


def _variant_field(path: str) -> str:
    """The composer input of a service error path: ``variants[1].share`` → ``variant_2_share``,
    ``variants[1].messages`` → the first bubble of variant 2."""
    match = re.fullmatch(r"variants\[(\d)\]\.(name|share|messages)", path)
    if not match:
        return path
    k = int(match.group(1)) + 1
    if match.group(2) == "messages":
        return "bubble_1_type" if k == 1 else f"variant_{k}_bubble_1_type"
    return f"variant_{k}_{match.group(2)}"


@require_http_methods(["GET", "POST"])
def broadcast_new(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    return _composer(request, None)


@require_http_methods(["GET", "POST"])
def broadcast_edit(
    request: HttpRequest, workspace_slug: str, account_slug: str, broadcast_id: int
) -> HttpResponse:
    broadcast = broadcast_or_404(request, broadcast_id)
    if broadcast.status not in workflow.EDITABLE:
        messages.error(request, _("A broadcast that has started sending cannot be edited."))
        return redirect(detail_url(request, broadcast))
    return _composer(request, broadcast)
