"""The rich menu rules page: segment menus (with their priorities) and tag menus, a form to
add or change a rule, and "Apply to everyone" with its progress, which the page polls."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from oa_console.permissions import can, require
from oa_console.roles import Capability
from oa_console.views._render import render_page
from richmenus.models import RichMenuRule
from richmenus.selectors.targeting import (
    rich_menu_assignment_latest,
    rich_menu_rule_get,
    rich_menu_rule_list,
)
from richmenus.services.targeting import (
    MAX_PRIORITY,
    published_menus,
    rich_menu_rule_create,
    rich_menu_rule_delete,
    rich_menu_rule_update,
)
from richmenus.services.targeting_assignment import rich_menu_assignment_start
from segments.selectors.segments import segment_list
from segments.selectors.tags import tag_list

PER_PAGE = 50
PROGRESS = "assignment-progress"
EDIT = Capability.EDIT_SEGMENTS


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=RichMenuRule.Kind.choices)
    segment = forms.TypedChoiceField(
        label=gettext_lazy("Segment"), coerce=int, required=False, empty_value=None
    )
    tag = forms.TypedChoiceField(
        label=gettext_lazy("When this tag is added"), coerce=int, required=False, empty_value=None
    )
    menu = forms.TypedChoiceField(label=gettext_lazy("Rich menu"), coerce=int, empty_value=None)
    priority = forms.IntegerField(
        label=gettext_lazy("Priority"),
        min_value=1,
        max_value=MAX_PRIORITY,
        initial=1,
        help_text=gettext_lazy(
            "1 comes first: a friend in several segments gets the menu of "
            "the rule with the lowest number."
        ),
    )
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)

    def __init__(self, *args, account, rule: RichMenuRule | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        blank = [("", "—")]
        self.fields["segment"].choices = blank + [
            (s.pk, s.name) for s in segment_list(account=account)
        ]
        self.fields["tag"].choices = blank + [(t.pk, t.name) for t in tag_list(account=account)]
        self.fields["menu"].choices = blank + [(m.pk, m.name) for m in published_menus(account)]
        if rule is not None:
            self.fields["kind"].disabled = True


def _rules_url(request: HttpRequest):
    return redirect(
        "rich_menu_rules",
        workspace_slug=request.workspace.slug,
        account_slug=request.account.slug,
    )


def _progress_context(request: HttpRequest) -> dict:
    return {
        "assignment": rich_menu_assignment_latest(account=request.account),
        "can_edit": can(request, EDIT),
    }


@require_GET
def rich_menu_rules(request: HttpRequest, workspace_slug: str, account_slug: str) -> HttpResponse:
    """The rules and the latest run; an htmx poll gets only the run's progress."""
    context = _progress_context(request)
    if request.htmx:
        return render_page(request, "richmenus/targeting.html", context, fragment=PROGRESS)
    page = Paginator(rich_menu_rule_list(account=request.account), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "richmenus/targeting.html", {**context, "page_obj": page})


def _form_page(request: HttpRequest, rule: RichMenuRule | None) -> HttpResponse:
    require(request, EDIT)
    account = request.account
    initial = None
    if rule is not None:
        initial = {
            "kind": rule.kind,
            "segment": rule.segment_id,
            "tag": rule.tag_id,
            "menu": rule.menu_id,
            "priority": rule.priority,
            "is_active": rule.is_active,
        }
    data = request.POST if request.method == "POST" else None
    form = RuleForm(data, account=account, rule=rule, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        fields = {
            "segment_id": values["segment"],
            "tag_id": values["tag"],
            "menu_id": values["menu"],
            "priority": values["priority"],
            "is_active": values["is_active"],
        }
        try:
            if rule is None:
                rich_menu_rule_create(account=account, kind=values["kind"], **fields)
            else:
                rich_menu_rule_update(account=account, rule=rule, **fields)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("Rule saved. Apply the segment menus to everyone when your rules are ready."),
            )
            return _rules_url(request)
    return render(
        request,
        "richmenus/targeting_form.html",
        {"form": form, "rule": rule, "has_menus": published_menus(account).exists()},
    )


def _rule(request: HttpRequest, rule_id: int) -> RichMenuRule:
    rule = rich_menu_rule_get(account=request.account, rule_id=rule_id)
    if rule is None:
        raise Http404
    return rule


@require_http_methods(["GET", "POST"])
def rich_menu_rule_new(request: HttpRequest, workspace_slug: str, account_slug: str):
    return _form_page(request, None)


@require_http_methods(["GET", "POST"])
def rich_menu_rule_edit(
    request: HttpRequest, workspace_slug: str, account_slug: str, menu_rule_id: int
):
    return _form_page(request, _rule(request, menu_rule_id))


@require_POST
def rich_menu_rule_remove(
    request: HttpRequest, workspace_slug: str, account_slug: str, menu_rule_id: int
) -> HttpResponse:
    rule = _rule(request, menu_rule_id)
    require(request, EDIT)
    rich_menu_rule_delete(account=request.account, rule=rule)
    messages.success(request, _("Rule deleted."))
    return _rules_url(request)


@require_POST
def rich_menu_rules_apply(
    request: HttpRequest, workspace_slug: str, account_slug: str
) -> HttpResponse:
    """Start applying the segment menus to every friend (or show the run under way)."""
    require(request, EDIT)
    rich_menu_assignment_start(account=request.account)
    if request.htmx:
        return render_page(
            request, "richmenus/targeting.html", _progress_context(request), fragment=PROGRESS
        )
    messages.success(request, _("Applying the segment menus to every friend."))
    return _rules_url(request)
