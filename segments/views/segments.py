"""Segment pages: the list of saved segments and the builder (new or saved segment), with
duplicate, delete and CSV export.

The builder is one form. Changing any input asks for a fresh preview (count, reachable, a
sample, errors beside their conditions) after a short pause; adding, removing or changing the
kind of a condition re-renders the rule tree. Without JavaScript the same buttons submit the form
and the whole page comes back with the change applied.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oa_console import audit
from oa_console.json_input import json_loads_bounded
from oa_console.permissions import can, require
from oa_console.roles import Capability
from oa_console.views._render import render_page
from segments.models import Segment, Tag
from segments.rules.validation import RuleContext, RulesInvalid, rules_errors
from segments.selectors import segments as segment_selectors
from segments.services import segments as segment_services
from segments.views.builder import DEFAULT_CONDITION, GROUP_KINDS, rules_from_form
from segments.views.builder_tree import errors_by_dom_path, field_options, ui_tree
from segments.views.exports import friends_csv_response

TEMPLATE = "segments/segment_builder.html"
SEGMENTS_PER_PAGE = 50


def _segment_or_404(request: HttpRequest, segment_id: int) -> Segment:
    segment = segment_selectors.segment_get(account=request.account, segment_id=segment_id)
    if segment is None:
        raise Http404
    return segment


@require_GET
def segment_list(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    segments = segment_selectors.segment_list(account=request.account)
    page = Paginator(segments, SEGMENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "segments/segment_list.html", {"page_obj": page})


def _initial_rules(request: HttpRequest) -> dict:
    """``?rules=<json>`` opens the builder with a tree (the RFM grid links here); anything
    else (not JSON, nested too deep to walk) opens it with the default condition."""
    try:
        rules = json_loads_bounded(request.GET.get("rules", ""))
    except ValueError:
        return {"all": [dict(DEFAULT_CONDITION)]}
    return rules if isinstance(rules, dict) else {"all": [dict(DEFAULT_CONDITION)]}


def _preview(account, rules: dict, errors: list) -> dict:
    if errors:
        return {"invalid": True}
    result = segment_selectors.segment_count(account=account, rules=rules)
    return {
        "count": result.count,
        "reachable": result.reachable,
        "sample": segment_selectors.segment_sample(account=account, rules=rules),
    }


def _tag_choices(request: HttpRequest, *, ids_only: bool = False) -> list:
    tags = Tag.objects.filter(account=request.account).order_by("name", "pk")
    if ids_only:
        return list(tags.values_list("pk", flat=True))
    return [(str(pk), name) for pk, name in tags.values_list("pk", "name")]


def _context(request, *, segment, rules, errors, name, name_error="") -> dict:
    context = RuleContext.for_account(request.account)
    tags = [
        (str(pk), label)
        for pk, label in Tag.objects.filter(account=request.account)
        .order_by("name")
        .values_list("pk", "name")
    ]
    return {
        "segment": segment,
        "name": name,
        "name_error": name_error,
        "tree": ui_tree(rules, context=context, tags=tags, errors=errors),
        "rules_json": json.dumps(rules, ensure_ascii=False, indent=2),
        "field_options": field_options(context),
        "group_kinds": [(key, str(label)) for key, label in GROUP_KINDS.items()],
        "preview": _preview(request.account, rules, errors),
        "can_edit": can(request, Capability.EDIT_SEGMENTS),
        "builder_url": request.path,
    }


def _builder(request: HttpRequest, segment: Segment | None) -> HttpResponse:
    account = request.account
    if request.method == "GET":
        rules = segment.rules if segment else _initial_rules(request)
        context = RuleContext.for_account(account)
        errors = rules_errors(rules, context=context)
        return render_page(
            request,
            TEMPLATE,
            _context(
                request,
                segment=segment,
                rules=rules,
                errors=errors,
                name=segment.name if segment else "",
            ),
        )
    action = request.POST.get("action", "")
    context = RuleContext.for_account(account)
    parsed = rules_from_form(
        request.POST,
        context=context,
        action="" if action == "save" else action,
        tag_ids=_tag_choices(request, ids_only=True),
    )
    errors = rules_errors(parsed.rules, context=context)
    name = request.POST.get("name", "")
    target = request.htmx.target if request.htmx else None

    if target == "segment-preview":
        # Live preview of the form as displayed: errors go out of band to the slots beside its
        # conditions (every slot, so a fixed condition's message is cleared).
        placed = errors_by_dom_path(errors, parsed.paths)
        slots = [(dom, placed.get(dom, "")) for dom in sorted(set(parsed.paths.values()))]
        return render_page(
            request,
            TEMPLATE,
            {"preview": _preview(account, parsed.rules, errors), "slots": slots},
            partials=["segment-preview"],
            also=["rule-errors"],
        )

    name_error = ""
    if action == "save":
        require(request, Capability.EDIT_SEGMENTS)
        try:
            if segment is None:
                saved = segment_services.segment_create(
                    account=account,
                    name=name,
                    rules=parsed.rules,
                    created_by=request.user,
                    request=request,
                )
                messages.success(request, _("Segment “%(name)s” saved.") % {"name": saved.name})
            else:
                saved = segment_services.segment_update(
                    segment=segment, name=name, rules=parsed.rules, request=request
                )
                messages.success(request, _("Segment “%(name)s” updated.") % {"name": saved.name})
            return redirect(_edit_url(request, saved))
        except RulesInvalid as exc:
            errors = exc.errors
        except ValidationError as exc:
            name_error = " ".join(exc.message_dict.get("name", exc.messages))

    page = _context(
        request,
        segment=segment,
        rules=parsed.rules,
        errors=errors,
        name=name,
        name_error=name_error,
    )
    if target == "rule-tree":
        # The changed tree, and the preview of it out of band.
        return render_page(
            request,
            TEMPLATE,
            {**page, "oob": True},
            partials=["rule-tree"],
            also=["segment-preview"],
        )
    return render(
        request, TEMPLATE, page, status=400 if (errors or name_error) and action == "save" else 200
    )


def _edit_url(request: HttpRequest, segment: Segment) -> str:
    return reverse(
        "segment_edit",
        args=[request.workspace.slug, request.account.slug, segment.pk],
    )


@require_http_methods(["GET", "POST"])
def segment_new(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    return _builder(request, None)


@require_http_methods(["GET", "POST"])
def segment_edit(
    request: HttpRequest, workspace_slug: str, account_slug: str, segment_id: int
) -> HttpResponse:
    return _builder(request, _segment_or_404(request, segment_id))


@require_POST
def segment_duplicate(
    request: HttpRequest, workspace_slug: str, account_slug: str, segment_id: int
) -> HttpResponse:
    segment = _segment_or_404(request, segment_id)
    require(request, Capability.EDIT_SEGMENTS)
    copy = segment_services.segment_duplicate(
        segment=segment, created_by=request.user, request=request
    )
    messages.success(request, _("Duplicated as “%(name)s”.") % {"name": copy.name})
    return redirect(_edit_url(request, copy))


@require_POST
def segment_delete(
    request: HttpRequest, workspace_slug: str, account_slug: str, segment_id: int
) -> HttpResponse:
    segment = _segment_or_404(request, segment_id)
    require(request, Capability.EDIT_SEGMENTS)
    segment_services.segment_delete(segment=segment, request=request)
    messages.success(request, _("Segment “%(name)s” deleted.") % {"name": segment.name})
    return redirect("segment_list", workspace_slug, account_slug)


@require_GET
def segment_export(
    request: HttpRequest, workspace_slug: str, account_slug: str, segment_id: int
) -> HttpResponse:
    segment = _segment_or_404(request, segment_id)
    try:
        members = segment_selectors.segment_members(account=request.account, rules=segment.rules)
    except RulesInvalid:
        messages.error(request, _("This segment's rules are no longer valid; fix them first."))
        return redirect(_edit_url(request, segment))
    filename = f"segment-{slugify(segment.name) or segment.pk}.csv"
    audit.record_export(
        request,
        export="segment_members",
        account=request.account,
        target=segment,
        target_label=segment.name,
    )
    return friends_csv_response(members, filename=filename)
