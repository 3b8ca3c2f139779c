"""Workspace picker, workspace home (its OAs) and workspace settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from oa_console.forms import ConfirmDeleteForm
from oa_console.permissions import agent_page, can, require
from oa_console.roles import Capability
from oa_console.selectors import account_list, membership_list_for_user
from oa_console.services import workspaces as workspace_services
from oa_console.two_factor import selectors as two_factor_selectors
from oa_console.two_factor import services as two_factor_services
from oa_console.two_factor.forms import WorkspaceTwoFactorForm
from oa_console.views._forms import apply_service_errors

# The members still without a second factor, named on the policy page (the count says the rest).
MEMBERS_WITHOUT_SHOWN = 20


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Straight into the only workspace, or the picker when there are several."""
    memberships = list(membership_list_for_user(user=request.user))
    if len(memberships) == 1:
        return redirect("workspace_home", workspace_slug=memberships[0].workspace.slug)
    return redirect("workspace_picker")


@login_required
def workspace_picker(request: HttpRequest) -> HttpResponse:
    memberships = membership_list_for_user(user=request.user)
    return render(request, "oa_console/workspace_picker.html", {"memberships": memberships})


@agent_page
def workspace_home(request: HttpRequest, workspace_slug: str) -> HttpResponse:
    """The OAs of the workspace this member may see; a client login goes straight to its OA,
    an agent to the chats of every OA it may see."""
    if not can(request, Capability.READ_ALL_PAGES):
        return redirect("workspace_inbox", workspace_slug=workspace_slug)
    accounts = list(account_list())
    if len(accounts) == 1 and request.tenant_scope.account_ids is not None:
        return redirect(accounts[0].get_absolute_url())
    return render(
        request,
        "oa_console/workspace_home.html",
        {"accounts": accounts, "limited": request.tenant_scope.account_ids is not None},
    )


def workspace_settings(request: HttpRequest, workspace_slug: str) -> HttpResponse:
    require(request, Capability.MANAGE_MEMBERS)
    return redirect("member_list", workspace_slug=workspace_slug)


@require_http_methods(["GET", "POST"])
def workspace_delete(request: HttpRequest, workspace_slug: str) -> HttpResponse:
    require(request, Capability.DELETE_WORKSPACE)
    form = ConfirmDeleteForm(request.POST or None, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        name = request.workspace.name
        workspace_services.workspace_delete(workspace=request.workspace)
        messages.success(request, _("The workspace %(name)s was deleted.") % {"name": name})
        return redirect("home")
    return render(request, "oa_console/workspace_delete.html", {"form": form})


@require_http_methods(["GET", "POST"])
def workspace_security(request: HttpRequest, workspace_slug: str) -> HttpResponse:
    """The owner's sign-in policy for the workspace: two-factor sign-in for every member."""
    require(request, Capability.REQUIRE_TWO_FACTOR)
    workspace = request.workspace
    form = WorkspaceTwoFactorForm(
        # An unticked box posts nothing: an empty POST is still a submitted form.
        request.POST if request.method == "POST" else None,
        initial={"two_factor_required": workspace.two_factor_required},
    )
    if request.method == "POST" and form.is_valid():
        try:
            two_factor_services.workspace_two_factor_set(
                workspace=workspace,
                required=form.cleaned_data["two_factor_required"],
                acting_user=request.user,
                request=request,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The sign-in policy was saved."))
            return redirect("workspace_security", workspace_slug=workspace_slug)
    without = two_factor_selectors.members_without_two_factor(workspace=workspace)
    return render(
        request,
        "oa_console/settings/security.html",
        {
            "form": form,
            "members_without": without[:MEMBERS_WITHOUT_SHOWN],
            "members_without_count": without.count(),
            "settings_tab": "security",
            "two_factor_on": two_factor_selectors.has_two_factor(user=request.user),
        },
        status=400 if form.errors else 200,
    )
