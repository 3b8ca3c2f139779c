"""Login, password pages and invitation acceptance."""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from oa_console import lockout
from oa_console.forms import EmailAuthenticationForm
from oa_console.models import User
from oa_console.services import invitations as invitation_services
from oa_console.throttle import client_address
from oa_console.two_factor.selectors import has_two_factor


class LoginView(auth_views.LoginView):
    """Step one: e-mail and password (axes refuses a locked account or address before the
    password is checked). A user with two-factor sign-in continues to the code page; the
    session is signed in but not verified until then (TwoFactorMiddleware)."""

    template_name = "oa_console/auth/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        if has_two_factor(user=user):
            verify = reverse("two_factor_verify")
            return redirect(f"{verify}?{urlencode({'next': self.get_success_url()})}")
        lockout.clear_account_failures(username=user.email)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "oa_console/auth/password_change.html"


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "oa_console/auth/message.html"
    extra_context = {
        "title": gettext_lazy("Password changed"),
        "body": gettext_lazy("Your password was changed."),
    }


class PasswordResetView(auth_views.PasswordResetView):
    """Reset requests are limited per address and per e-mail address (PASSWORD_RESET_RATE);
    a request over the limit sends nothing and says to wait, whether or not the address has
    an account. The link is built on PUBLIC_BASE_URL, never on the request's Host header (a
    forged Host would otherwise put an attacker's domain in a real reset e-mail)."""

    template_name = "oa_console/auth/password_reset.html"
    email_template_name = "oa_console/emails/password_reset.txt"
    subject_template_name = "oa_console/emails/password_reset_subject.txt"

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        limited = [
            is_ratelimited(
                self.request,
                group=f"password_reset:{scope}",
                key=key,
                rate=settings.PASSWORD_RESET_RATE,
                increment=True,
            )
            for scope, key in (
                ("address", lambda _group, request: client_address(request)),
                ("email", lambda _group, _request: email),
            )
        ]
        if any(limited):
            form.add_error(
                None,
                _(
                    "Too many reset requests: no e-mail was sent. Wait an hour, then ask "
                    "again; a link already sent stays valid."
                ),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        base = urlsplit(settings.PUBLIC_BASE_URL)
        form.save(
            domain_override=base.netloc,
            use_https=base.scheme == "https",
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
            html_email_template_name=self.html_email_template_name,
            extra_email_context={"base_url": settings.PUBLIC_BASE_URL},
        )
        return redirect(self.get_success_url())


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
    invitation = invitation_services.invitation_get_open(token=token)
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
            user = invitation_services.invitation_accept(
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
