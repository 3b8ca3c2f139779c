"""Tag pages: tags and families (with coverage against each family's goal and the daily trend),
and auto-tag rules (how many friends each tagged, apply to past events)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from oa_console.charts import figure_html
from oa_console.csv_download import csv_response
from oa_console.permissions import can, require
from oa_console.ranges import local_today
from oa_console.roles import Capability
from oa_console.views._forms import apply_service_errors
from oa_console.views._render import render_page
from segments.selectors import tags as tag_selectors
from segments.services import tag_rules, tagging
from segments.views import tag_charts
from segments.views.tag_forms import TagFamilyForm, TagForm, TagRuleForm

TREND_DAYS = 30
LIST_PAGE_SIZE = 50  # tags and rules per page


def _trend_series(account) -> list[tag_charts.TrendSeries]:
    today = local_today(account.time_zone)
    trend = tag_selectors.tag_coverage_trend(
        account=account, since=today - timedelta(days=TREND_DAYS - 1)
    )
    return tag_charts.coverage_trend_series(
        trend=trend,
        families=list(tag_selectors.tag_family_list(account=account)),
        today=today,
        days=TREND_DAYS,
    )


def _coverage_csv(account) -> HttpResponse:
    header, rows = tag_charts.coverage_trend_table(_trend_series(account))
    name = f"{account.slug}-tag-coverage-{local_today(account.time_zone)}.csv"
    return csv_response(header, rows, filename=name)


def _page(request: HttpRequest, *, tag_form=None, family_form=None, rule_form=None, status=200):
    account = request.account
    report = tag_selectors.tag_coverage(account=account)
    families = []
    for family, coverage in report.families:
        below = (
            family.coverage_goal is not None
            and coverage.percent is not None
            and coverage.percent < family.coverage_goal
        )
        families.append({"family": family, "coverage": coverage, "below": below})
    series = _trend_series(account)
    chart = ""
    if tag_charts.has_data(series):
        figure = tag_charts.coverage_trend_figure(
            series,
            title=_("Share of following friends with a tag, last %(days)s days")
            % {"days": TREND_DAYS},
        )
        chart = mark_safe(figure_html(figure, div_id="chart-tag-coverage"))
    rule_counts = tag_rules.tag_rule_counts(account=account)
    # Two lists on one page, each paginated under its own query parameter.
    tags_page = Paginator(report.tags, LIST_PAGE_SIZE).get_page(request.GET.get("tags_page"))
    rules_page = Paginator(tag_selectors.tag_rule_list(account=account), LIST_PAGE_SIZE).get_page(
        request.GET.get("rules_page")
    )
    rule_list = list(rules_page.object_list)
    jobs = tag_selectors.tag_rule_backfills_latest(
        account=account, rule_ids=[rule.pk for rule in rule_list]
    )
    rules = [(rule, rule_counts.get(rule.pk, 0), jobs.get(rule.pk)) for rule in rule_list]
    return render(
        request,
        "segments/tags.html",
        {
            "report": report,
            "families": families,
            "coverage_chart": chart,
            "rules": rules,
            "tags_page": tags_page,
            "rules_page": rules_page,
            "tag_form": tag_form or TagForm(account=account),
            "family_form": family_form or TagFamilyForm(),
            "rule_form": rule_form or TagRuleForm(account=account),
            "can_edit": can(request, Capability.EDIT_SEGMENTS),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def tag_list(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    """GET the page (``?download=coverage.csv``: the trend chart's numbers); POST creates a tag."""
    if request.method == "GET":
        if request.GET.get("download") == "coverage.csv":
            return _coverage_csv(request.account)
        return _page(request)
    require(request, Capability.EDIT_SEGMENTS)
    form = TagForm(request.POST, account=request.account)
    if form.is_valid():
        try:
            tag = tagging.tag_create(
                account=request.account,
                name=form.cleaned_data["name"],
                family=form.cleaned_data["family"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Tag “%(name)s” created.") % {"name": tag.name})
            return redirect("tag_list", workspace_slug, account_slug)
    return _page(request, tag_form=form, status=400)


@require_POST
def tag_family_create(request: HttpRequest, workspace_slug: str, account_slug: str):
    require(request, Capability.EDIT_SEGMENTS)
    form = TagFamilyForm(request.POST)
    if form.is_valid():
        try:
            family = tagging.tag_family_create(
                account=request.account,
                name=form.cleaned_data["name"],
                coverage_goal=form.cleaned_data["coverage_goal"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Family “%(name)s” created.") % {"name": family.name})
            return redirect("tag_list", workspace_slug, account_slug)
    return _page(request, family_form=form, status=400)


@require_POST
def tag_family_goal(
    request: HttpRequest, workspace_slug: str, account_slug: str, family_id: int
) -> HttpResponse:
    family = tag_selectors.tag_family_get(account=request.account, family_id=family_id)
    if family is None:
        raise Http404
    require(request, Capability.EDIT_SEGMENTS)
    form = TagFamilyForm({"name": family.name, "coverage_goal": request.POST.get("coverage_goal")})
    if form.is_valid():
        tagging.tag_family_update(
            family=family, name=family.name, coverage_goal=form.cleaned_data["coverage_goal"]
        )
        messages.success(request, _("Coverage goal saved."))
    else:
        messages.error(request, " ".join(form.errors.get("coverage_goal", [])))
    return redirect("tag_list", workspace_slug, account_slug)


@require_POST
def tag_delete(
    request: HttpRequest, workspace_slug: str, account_slug: str, tag_id: int
) -> HttpResponse:
    tag = tag_selectors.tag_get(account=request.account, tag_id=tag_id)
    if tag is None:
        raise Http404
    require(request, Capability.EDIT_SEGMENTS)
    tagging.tag_delete(tag=tag)
    messages.success(request, _("Tag “%(name)s” deleted.") % {"name": tag.name})
    return redirect("tag_list", workspace_slug, account_slug)


@require_POST
def tag_rule_create(request: HttpRequest, workspace_slug: str, account_slug: str):
    require(request, Capability.EDIT_SEGMENTS)
    form = TagRuleForm(request.POST, account=request.account)
    if form.is_valid():
        try:
            tag_rules.tag_rule_create(account=request.account, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Rule added. It tags friends from new events on; apply it to past "
                    "events with its button."
                ),
            )
            return redirect("tag_list", workspace_slug, account_slug)
    return _page(request, rule_form=form, status=400)


def _rule_or_404(request: HttpRequest, rule_id: int):
    rule = tag_selectors.tag_rule_get(account=request.account, rule_id=rule_id)
    if rule is None:
        raise Http404
    require(request, Capability.EDIT_SEGMENTS)
    return rule


@require_http_methods(["GET", "POST"])
def tag_rule_backfill(
    request: HttpRequest, workspace_slug: str, account_slug: str, rule_id: int
) -> HttpResponse:
    """POST starts a run over past events (or finds the one going); GET is the run's status
    fragment (the tags page's ``backfill-status`` partial), which polls itself until the run is
    over. Without htmx both lead to the tags page, where the status shows in the rule's row."""
    rule = tag_selectors.tag_rule_get(account=request.account, rule_id=rule_id)
    if rule is None:
        raise Http404
    if request.method == "POST":
        require(request, Capability.EDIT_SEGMENTS)
        job, created = tag_rules.tag_rule_backfill_request(rule=rule)
        if not request.htmx:
            if created:
                messages.success(request, _("Applying the rule to past events."))
            else:
                messages.info(request, _("This rule is already being applied to past events."))
            return redirect("tag_list", workspace_slug, account_slug)
    elif not request.htmx:
        return redirect("tag_list", workspace_slug, account_slug)
    job = tag_rules.tag_rule_backfill_latest(rule=rule)
    # The target id is per rule (#rule-backfill-<pk>), so the view names the fragment.
    return render_page(
        request, "segments/tags.html", {"rule": rule, "job": job}, fragment="backfill-status"
    )


@require_POST
def tag_rule_toggle(
    request: HttpRequest, workspace_slug: str, account_slug: str, rule_id: int
) -> HttpResponse:
    rule = _rule_or_404(request, rule_id)
    tag_rules.tag_rule_set_active(rule=rule, is_active=not rule.is_active)
    return redirect("tag_list", workspace_slug, account_slug)


@require_POST
def tag_rule_delete(
    request: HttpRequest, workspace_slug: str, account_slug: str, rule_id: int
) -> HttpResponse:
    rule = _rule_or_404(request, rule_id)
    tag_rules.tag_rule_delete(rule=rule)
    messages.success(request, _("Rule deleted; friends keep the tags it gave."))
    return redirect("tag_list", workspace_slug, account_slug)
