"""Login, password pages and invitation acceptance."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from oa_console import services
from oa_console.forms import EmailAuthenticationForm
from oa_console.models import User


class LoginView(auth_views.LoginView):
    template_name = "oa_console/auth/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "oa_console/auth/password_change.html"


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "oa_console/auth/message.html"
    extra_context = {
        "title": gettext_lazy("Password changed"),
        "body": gettext_lazy("Your password was changed."),
    }


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "oa_console/auth/password_reset.html"
    email_template_name = "oa_console/emails/password_reset.txt"
    subject_template_name = "oa_console/emails/password_reset_subject.txt"


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "oa_console/auth/message.html"
    extra_context = {
        "title": gettext_lazy("Check your e-mail"),
        "body": gettext_lazy(
            "If an account uses that address, we sent it a link to choose a new password."
        ),
    }


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "oa_console/auth/password_reset_confirm.html"


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "oa_console/auth/message.html"
    extra_context = {
        "title": gettext_lazy("Password set"),
        "body": gettext_lazy("You can now log in with your new password."),
    }


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Join a workspace from an e-mailed link: new people choose a password, members just accept."""
    invitation = services.invitation_get_open(token=token)
    if invitation is None:
        return render(
            request,
            "oa_console/auth/message.html",
            {
                "title": _("Invitation not valid"),
                "body": _(
                    "This invitation link was already used, was revoked, or has expired. Ask for a new one."
                ),
            },
            status=404,
        )
    existing_user = User.objects.filter(email__iexact=invitation.email).first()
    if request.user.is_authenticated and request.user.email.lower() != invitation.email.lower():
        return render(
            request,
            "oa_console/auth/message.html",
            {
                "title": _("Invitation for someone else"),
                "body": _("This invitation was sent to %(email)s. Log out and open the link again.")
                % {"email": invitation.email},
            },
            status=403,
        )
    if existing_user is not None and not request.user.is_authenticated:
        messages.info(
            request,
            _("Log in as %(email)s to accept the invitation.") % {"email": invitation.email},
        )
        return auth_views.redirect_to_login(request.get_full_path())

    form = None
    if existing_user is None:
        form = SetPasswordForm(User(email=invitation.email), request.POST or None)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            user = services.invitation_accept(
                invitation=invitation,
                user=existing_user,
                new_password=form.cleaned_data["new_password1"] if form is not None else None,
                request=request,
            ).user
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("home")
        if not request.user.is_authenticated:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, _("Welcome to %(workspace)s.") % {"workspace": invitation.workspace.name}
        )
        return redirect("workspace_home", workspace_slug=invitation.workspace.slug)
    return render(
        request, "oa_console/auth/invitation_accept.html", {"invitation": invitation, "form": form}
    )
