"""Auto-reply pages of one OA: the rules (paginated) with the rule tester, a rule's form,
its on/off, order and delete buttons, and the business hours form.

Every member who may use the inbox sees the rules and uses the tester (agents included);
``Capability.EDIT_AUTO_REPLIES`` (marketers and up) changes them. Plain forms and links, so
everything works without JavaScript; htmx answers the tester in place.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from inbox.autoreplies import selectors, services
from inbox.autoreplies.forms import AutoReplyRuleForm, AutoReplyTestForm, BusinessHoursForm
from inbox.autoreplies.hours import business_hours_open
from inbox.autoreplies.matching import AutoReplyEvent, rule_for
from inbox.autoreplies.preview import messages_preview
from oa_console.permissions import agent_page, can, require
from oa_console.roles import Capability
from oa_console.views._forms import apply_service_errors
from oa_console.views._render import render_page

PER_PAGE = 25
TESTER = "auto-reply-test"
FORM = "rule-form"
EDIT = Capability.EDIT_AUTO_REPLIES


def _test_result(request: HttpRequest, form: AutoReplyTestForm) -> dict | None:
    """Which rule would answer the tester's event, and its messages as shown to a member."""
    if not form.is_bound or not form.is_valid():
        return None
    account = request.account
    moment = form.moment(account.time_zone)
    open_now = business_hours_open(account, moment)
    sample = form.cleaned_data["sample"]
    kind = form.cleaned_data["event"]
    event = AutoReplyEvent(kind, text=sample if kind == "message" else "", data=sample)
    rule = rule_for(selectors.auto_reply_rules_enabled(account=account), event, open_now=open_now)
    return {
        "rule": rule,
        "open_now": open_now,
        "messages": messages_preview(rule.messages) if rule else [],
    }


@agent_page
@require_GET
def auto_reply_list(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    require(request, Capability.USE_INBOX)
    account = request.account
    tester = AutoReplyTestForm(request.GET if "event" in request.GET else None)
    page = Paginator(selectors.auto_reply_rule_list(account=account), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render_page(
        request,
        "inbox/autoreplies/list.html",
        {
            "page_obj": page,
            "tester": tester,
            "result": _test_result(request, tester),
            "can_edit": can(request, EDIT),
            "hours": selectors.business_hours_get(account=account),
        },
        partials=[TESTER],
    )


def _rule_or_404(request: HttpRequest, rule_id: int):
    rule = selectors.auto_reply_rule_get(account=request.account, rule_id=rule_id)
    if rule is None:
        raise Http404
    return rule


def _form_page(request, form, rule=None, status: int = 200) -> HttpResponse:
    """The form page; for htmx its form alone, answered 200 so htmx swaps the errors in."""
    context = {"form": form, "rule": rule}
    if request.htmx:
        return render_page(request, "inbox/autoreplies/form.html", context, fragment=FORM)
    return render(request, "inbox/autoreplies/form.html", context, status=status)


def _save(request: HttpRequest, form: AutoReplyRuleForm, rule=None) -> HttpResponse | None:
    """Save a valid form; None when the service refused it (its errors are on the form)."""
    if not form.is_valid():
        return None
    data = form.rule_input(form.cleaned_data)
    try:
        if rule is None:
            rule = services.auto_reply_rule_create(account=request.account, data=data)
        else:
            rule = services.auto_reply_rule_update(rule=rule, data=data)
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return None
    messages.success(request, _("Rule “%(name)s” saved.") % {"name": rule.name})
    target = reverse("auto_reply_list", args=[request.account.workspace.slug, request.account.slug])
    if request.htmx:
        return HttpResponseClientRedirect(target)
    return redirect(target)


@require_http_methods(["GET", "POST"])
def auto_reply_create(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    require(request, EDIT)
    if request.method == "GET":
        return _form_page(request, AutoReplyRuleForm(account=request.account))
    form = AutoReplyRuleForm(request.POST, account=request.account)
    return _save(request, form) or _form_page(request, form, status=400)


@require_http_methods(["GET", "POST"])
def auto_reply_edit(
    request: HttpRequest, workspace_slug: str, account_slug: str, auto_reply_id: int
) -> HttpResponse:
    rule = _rule_or_404(request, auto_reply_id)
    require(request, EDIT)
    if request.method == "GET":
        form = AutoReplyRuleForm(
            initial=AutoReplyRuleForm.initial_for(rule), account=request.account
        )
        return _form_page(request, form, rule)
    form = AutoReplyRuleForm(request.POST, account=request.account)
    return _save(request, form, rule) or _form_page(request, form, rule, status=400)


@require_POST
def auto_reply_delete(
    request: HttpRequest, workspace_slug: str, account_slug: str, auto_reply_id: int
) -> HttpResponse:
    rule = _rule_or_404(request, auto_reply_id)
    require(request, EDIT)
    services.auto_reply_rule_delete(rule=rule)
    messages.success(request, _("Rule “%(name)s” deleted.") % {"name": rule.name})
    return redirect("auto_reply_list", workspace_slug, account_slug)


@require_POST
def auto_reply_move(
    request: HttpRequest, workspace_slug: str, account_slug: str, auto_reply_id: int
) -> HttpResponse:
    """Move a rule one place up or down (``direction``)."""
    rule = _rule_or_404(request, auto_reply_id)
    require(request, EDIT)
    services.auto_reply_rule_move(rule=rule, up=request.POST.get("direction") != "down")
    return redirect("auto_reply_list", workspace_slug, account_slug)


@require_POST
def auto_reply_toggle(
    request: HttpRequest, workspace_slug: str, account_slug: str, auto_reply_id: int
) -> HttpResponse:
    """Turn a rule on or off."""
    rule = _rule_or_404(request, auto_reply_id)
    require(request, EDIT)
    services.auto_reply_rule_switch(rule=rule, enabled=not rule.enabled)
    message = _("Rule “%(name)s” is on.") if rule.enabled else _("Rule “%(name)s” is off.")
    messages.success(request, message % {"name": rule.name})
    return redirect("auto_reply_list", workspace_slug, account_slug)


@agent_page
@require_http_methods(["GET", "POST"])
def business_hours(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    """The OA's weekly hours and closed dates; agents see them, marketers and up change them."""
    require(request, Capability.USE_INBOX)
    account = request.account
    hours = selectors.business_hours_get(account=account)
    can_edit = can(request, EDIT)
    status = 200
    if request.method == "POST":
        require(request, EDIT)
        form = BusinessHoursForm(request.POST)
        if form.is_valid():
            try:
                services.business_hours_save(
                    account=account,
                    windows=form.cleaned_data["windows"],
                    closed_dates=form.cleaned_data["closed_date_list"],
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("Business hours saved."))
                return redirect("business_hours", workspace_slug, account_slug)
        status = 400
    else:
        form = BusinessHoursForm(
            initial=BusinessHoursForm.initial_for(
                hours.windows if hours else [], hours.closed_dates if hours else []
            )
        )
    return render(
        request,
        "inbox/autoreplies/business_hours.html",
        {"form": form, "can_edit": can_edit, "hours": hours},
        status=status,
    )
