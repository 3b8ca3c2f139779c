"""Forms of the two-factor pages."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    token = forms.CharField(
        label=_("Code"),
        max_length=24,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autofocus": True,
                "spellcheck": "false",
                "autocapitalize": "off",
            }
        ),
    )


class VerifyForm(CodeForm):
    """The login's second step: the app's code, or one recovery code."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].help_text = _(
            "The 6-digit code your authenticator app shows, or one of your recovery codes."
        )


class DisableForm(forms.Form):
    token = forms.CharField(
        label=_("Current code"),
        max_length=24,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Or your password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("token") and not cleaned.get("password"):
            raise forms.ValidationError(_("Type a current code or your password to confirm."))
        return cleaned


class WorkspaceTwoFactorForm(forms.Form):
    two_factor_required = forms.BooleanField(
        label=_("Require two-factor sign-in of every member"),
        required=False,
        help_text=_(
            "Members without it are sent to set it up before they can open any page of this "
            "workspace. API keys are not affected."
        ),
    )
