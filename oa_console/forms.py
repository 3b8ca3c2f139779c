"""Forms of the tenancy pages. Validation that needs the database lives in services."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from oa_console.models import TIME_ZONE_CHOICES, LineAccount, Workspace
from oa_console.roles import ROLE_RANK, Role


def role_choices_up_to(role: str) -> list[tuple[str, str]]:
    """Roles a member may grant: never above their own."""
    return [(value, label) for value, label in Role.choices if ROLE_RANK[value] <= ROLE_RANK[role]]


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


ACCESS_ALL = "all"
ACCESS_SOME = "some"


class AccountChoiceMixin(forms.Form):
    """Which OAs a member may see: an explicit "all OAs", or a non-empty list of OAs.

    An empty list never means "all": a client login limited to its OA must not widen to the
    whole workspace when that OA is deleted, so "only these OAs" with none ticked is an error.
    """

    access = forms.ChoiceField(
        label=_("Access to OAs"),
        choices=[(ACCESS_ALL, _("All OAs")), (ACCESS_SOME, _("Only these OAs"))],
        initial=ACCESS_ALL,
        widget=forms.RadioSelect,
        help_text=_(
            "For an agency's client, choose “Only these OAs” and tick theirs: the login then "
            "never sees another OA, not even OAs connected later."
        ),
    )
    accounts = forms.ModelMultipleChoiceField(
        label=_("OAs"),
        queryset=LineAccount.unscoped.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Used with “Only these OAs”."),
    )

    def __init__(self, *args, workspace: Workspace, acting_role: str, **kwargs):
        super().__init__(*args, **kwargs)
        # Every OA of the workspace, as ``accounts_of`` checks the choice: the scoped manager
        # would offer a limited acting member only their own OAs.
        self.fields["accounts"].queryset = LineAccount.unscoped.filter(
            workspace=workspace
        ).order_by("display_name")
        self.fields["role"].choices = role_choices_up_to(acting_role)

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("access") == ACCESS_ALL:
            cleaned["accounts"] = []
        elif cleaned.get("access") == ACCESS_SOME and not cleaned.get("accounts"):
            self.add_error("accounts", _("Tick at least one OA, or choose “All OAs”."))
        return cleaned

    @property
    def all_accounts(self) -> bool:
        return self.cleaned_data["access"] == ACCESS_ALL

    @property
    def account_ids(self) -> list[int]:
        return [account.pk for account in self.cleaned_data["accounts"]]


ROLE_HELP = _(
    "Agents answer chats: they see only the chats and the friend pages. Viewers read every "
    "page; marketers also edit segments and draft broadcasts; admins manage OAs, members and "
    "approvals."
)


class InviteForm(AccountChoiceMixin):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Role.choices, initial=Role.VIEWER, help_text=ROLE_HELP
    )
    field_order = ["email", "role", "access", "accounts"]


class MemberEditForm(AccountChoiceMixin):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, help_text=ROLE_HELP)
    field_order = ["role", "access", "accounts"]


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=80, help_text=_("Which system will use it, e.g. “POS sync”.")
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER)

    def __init__(self, *args, acting_role: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices_up_to(acting_role)


# The zones a new OA picks from: IANA's canonical "Region/City" names and UTC, not the legacy
# aliases zoneinfo also knows ("Japan", "US/Eastern"), which name the same zones twice.
ZONE_REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)
PICKABLE_TIME_ZONES = [
    (name, label)
    for name, label in TIME_ZONE_CHOICES
    if name == "UTC" or ("/" in name and name.split("/", 1)[0] in ZONE_REGIONS)
]


class LineAccountForm(forms.Form):
    """Create or edit an OA channel. Secrets are write-only: blank on edit keeps the stored one."""

    display_name = forms.CharField(label=_("Display name"), max_length=120)
    basic_id = forms.CharField(
        label=_("Basic ID"), max_length=40, required=False, help_text=_("Such as @abc1234.")
    )
    channel_id = forms.CharField(label=_("Channel ID"), max_length=20, required=False)
    bot_user_id = forms.CharField(
        label=_("Bot user ID"),
        max_length=33,
        required=False,
        help_text=_("Learned from the first verified webhook when left empty."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=PICKABLE_TIME_ZONES, initial="Asia/Tokyo"
    )
    channel_secret = forms.CharField(
        label=_("Channel secret"),
        required=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    access_token = forms.CharField(
        label=_("Channel access token"),
        required=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, editing: LineAccount | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The model's format checks, so every field error shows at once, beside its field.
        for name in ("basic_id", "channel_id", "bot_user_id"):
            self.fields[name].validators.extend(LineAccount._meta.get_field(name).validators)
        if editing is not None:
            from oa_console.fields import mask_secret

            if (editing.time_zone, editing.time_zone) not in PICKABLE_TIME_ZONES:
                # An OA saved with a legacy alias keeps it selectable.
                self.fields["time_zone"].choices = [
                    (editing.time_zone, editing.time_zone),
                    *PICKABLE_TIME_ZONES,
                ]

            for name in ("channel_secret", "access_token"):
                field = self.fields[name]
                field.required = False
                field.help_text = _("Stored: %(masked)s. Leave blank to keep it.") % {
                    "masked": mask_secret(getattr(editing, name))
                }


class ConfirmAccountDeleteForm(forms.Form):
    confirm_slug = forms.CharField(label=_("Type the OA's slug to confirm"))

    def __init__(self, *args, account: LineAccount, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account

    def clean_confirm_slug(self) -> str:
        value = self.cleaned_data["confirm_slug"]
        if value.strip() != self.account.slug:
            raise forms.ValidationError(_("This does not match the OA's slug."))
        return value


class ConfirmDeleteForm(forms.Form):
    confirm_slug = forms.CharField(label=_("Type the workspace slug to confirm"))

    def __init__(self, *args, workspace: Workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.workspace = workspace

    def clean_confirm_slug(self) -> str:
        value = self.cleaned_data["confirm_slug"]
        if value != self.workspace.slug:
            raise forms.ValidationError(_("This does not match the workspace slug."))
        return value
