"""Workspace members: list, invite by e-mail link, change role or OA limits, remove."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from oa_console import lockout
from oa_console.forms import ACCESS_ALL, ACCESS_SOME, InviteForm, MemberEditForm
from oa_console.models import Invitation, Membership
from oa_console.permissions import require
from oa_console.roles import Capability
from oa_console.selectors import invitation_list_pending, membership_account_ids
from oa_console.selectors import member_list as select_members
from oa_console.services import invitations as invitation_services
from oa_console.services.memberships import membership_remove, membership_update
from oa_console.views._forms import apply_service_errors
from oa_console.views._render import render_page

MEMBERS_PER_PAGE = 25


def member_list(request: HttpRequest, workspace_slug: str) -> HttpResponse:
    require(request, Capability.MANAGE_MEMBERS)
    page = Paginator(select_members(), MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    locked = lockout.locked_usernames(membership.user.email for membership in page)
    for membership in page:
        membership.sign_in_locked = membership.user.email in locked
    return render_page(
        request,
        "oa_console/settings/members.html",
        {
            "page_obj": page,
            "invitations": invitation_list_pending(),
            "settings_tab": "members",
        },
        partials=["invitations-table"],
    )


@require_http_methods(["GET", "POST"])
def member_invite(request: HttpRequest, workspace_slug: str) -> HttpResponse:
    require(request, Capability.MANAGE_MEMBERS)
    form = InviteForm(
        request.POST or None, workspace=request.workspace, acting_role=request.membership.role
    )
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = invitation_services.invitation_create(
                workspace=request.workspace,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                all_accounts=form.all_accounts,
                account_ids=form.account_ids,
                invited_by=request.user,
                acting_role=request.membership.role,
                request=request,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("member_list", workspace_slug=workspace_slug)
    return render(
        request,
        "oa_console/settings/member_form.html",
        {
            "form": form,
            "title": _("Invite a member"),
            "submit_label": _("Send invitation"),
            "settings_tab": "members",
        },
    )


def _membership_or_404(request: HttpRequest, membership_id: int) -> Membership:
    membership = Membership.objects.select_related("user").filter(pk=membership_id).first()
    if membership is None:
        raise Http404
    return membership


@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, workspace_slug: str, membership_id: int) -> HttpResponse:
    require(request, Capability.MANAGE_MEMBERS)
    membership = _membership_or_404(request, membership_id)
    limited_ids = membership_account_ids(membership=membership)
    form = MemberEditForm(
        request.POST or None,
        initial={
            "role": membership.role,
            "access": ACCESS_ALL if limited_ids is None else ACCESS_SOME,
            "accounts": sorted(limited_ids or ()),
        },
        workspace=request.workspace,
        acting_role=request.membership.role,
    )
    if request.method == "POST" and form.is_valid():
        try:
            membership_update(
                workspace=request.workspace,
                membership_id=membership.pk,
                role=form.cleaned_data["role"],
                all_accounts=form.all_accounts,
                account_ids=form.account_ids,
                acting_role=request.membership.role,
                request=request,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("%(email)s was updated.") % {"email": membership.user.email}
            )
            return redirect("member_list", workspace_slug=workspace_slug)
    return render(
        request,
        "oa_console/settings/member_form.html",
        {
            "form": form,
            "title": _("Edit %(email)s") % {"email": membership.user.email},
            "submit_label": _("Save"),
            "settings_tab": "members",
        },
    )


@require_POST
def member_remove(request: HttpRequest, workspace_slug: str, membership_id: int) -> HttpResponse:
    require(request, Capability.MANAGE_MEMBERS)
    membership = _membership_or_404(request, membership_id)
    try:
        membership_remove(
            workspace=request.workspace,
            membership_id=membership.pk,
            acting_role=request.membership.role,
            request=request,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(email)s was removed from the workspace.") % {"email": membership.user.email},
        )
    if (
        membership.user_id == request.user.pk
        and not request.user.memberships.filter(workspace=request.workspace).exists()
    ):
        return redirect("home")
    return redirect("member_list", workspace_slug=workspace_slug)


@require_POST
def member_unlock(request: HttpRequest, workspace_slug: str, membership_id: int) -> HttpResponse:
    """Clear a member's failed sign-ins so they can sign in again before the cool-off ends."""
    require(request, Capability.MANAGE_MEMBERS)
    membership = _membership_or_404(request, membership_id)
    lockout.member_unlock(workspace=request.workspace, membership=membership, request=request)
    messages.success(request, _("%(email)s can sign in again.") % {"email": membership.user.email})
    return redirect("member_list", workspace_slug=workspace_slug)


@require_POST
def invitation_revoke(
    request: HttpRequest, workspace_slug: str, invitation_id: int
) -> HttpResponse:
    require(request, Capability.MANAGE_MEMBERS)
    try:
        invitation_services.invitation_revoke(
            workspace=request.workspace, invitation_id=invitation_id, request=request
        )
    except Invitation.DoesNotExist as exc:
        raise Http404 from exc
    if not request.htmx:  # an htmx request sees the table change instead
        messages.success(request, _("The invitation was revoked."))
    return redirect("member_list", workspace_slug=workspace_slug)
