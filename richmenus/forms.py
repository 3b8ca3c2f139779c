"""The rich menu design forms: the menu, its image, one tap area, a tab set and a schedule.

Each form only parses what the member typed; the services decide what LINE accepts and their
refusals are shown on the field they name.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oa_console.line import rich_menus as line
from richmenus.models import RichMenu, RichMenuTabSet
from richmenus.services.areas import AreaInput
from richmenus.services.menus import CUSTOM, MenuInput

SIZE_CHOICES = [
    ("large", _("Large: 2500 x 1686")),
    ("compact", _("Compact: 2500 x 843")),
    (CUSTOM, _("Custom: the image's own size")),
]
ACTION_CHOICES = [
    ("uri", _("Open a link")),
    ("message", _("Send a message")),
    ("postback", _("Postback to your webhook")),
    ("richmenuswitch", _("Switch to another tab")),
    ("datetimepicker", _("Pick a date or time")),
]
MODE_CHOICES = [("date", _("Date")), ("time", _("Time")), ("datetime", _("Date and time"))]


class MenuForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=300)
    chat_bar_text = forms.CharField(
        label=_("Chat bar text"),
        max_length=100,
        help_text=_("Shown on the bar that opens the menu, at most 14 characters."),
    )
    size = forms.ChoiceField(label=_("Size"), choices=SIZE_CHOICES)
    alias = forms.CharField(
        label=_("Alias"),
        required=False,
        max_length=100,
        help_text=_(
            "Needed for a tab: other tabs switch to this menu by its alias "
            "(lower-case letters, digits, - and _)."
        ),
    )
    opens_by_default = forms.BooleanField(label=_("Open when the chat opens"), required=False)
    tab_set = forms.ModelChoiceField(label=_("Tab set"), queryset=None, required=False)
    tab_position = forms.IntegerField(
        label=_("Tab position"), min_value=0, initial=0, required=False
    )

    def __init__(self, *args, account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tab_set"].queryset = RichMenuTabSet.objects.for_account(account)
        self.fields["chat_bar_text"].widget.attrs["maxlength"] = line.MAX_CHAT_BAR_TEXT

    def menu_input(self) -> MenuInput:
        data = self.cleaned_data
        return MenuInput(
            name=data["name"],
            chat_bar_text=data["chat_bar_text"],
            opens_by_default=data["opens_by_default"],
            alias=data["alias"].strip(),
            size=data["size"],
            tab_set=data["tab_set"],
            tab_position=data["tab_position"] or 0,
        )


class ImageForm(forms.Form):
    image = forms.FileField(
        label=_("Image"),
        help_text=_("JPEG or PNG, at most 1 MB, 800 to 2500 pixels wide."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )

    def data_bytes(self) -> bytes:
        upload = self.cleaned_data["image"]
        # One byte over the limit is enough to refuse: a huge upload is never read whole.
        return upload.read(line.MAX_IMAGE_BYTES + 1)


class AreaForm(forms.Form):
    """One tap area; the editor's drawn rectangle fills x, y, width and height (image pixels),
    and without JavaScript the member types them."""

    label = forms.CharField(label=_("Label"), max_length=100, required=False)
    x = forms.IntegerField(label="x", min_value=0)
    y = forms.IntegerField(label="y", min_value=0)
    width = forms.IntegerField(label=_("Width"), min_value=1)
    height = forms.IntegerField(label=_("Height"), min_value=1)
    type = forms.ChoiceField(label=_("A tap"), choices=ACTION_CHOICES)
    value = forms.CharField(
        label=_("Link, message or postback data"), max_length=1000, required=False
    )
    alias = forms.ChoiceField(label=_("Tab to switch to"), required=False, choices=[])
    mode = forms.ChoiceField(label=_("Picker"), choices=MODE_CHOICES, required=False)
    data = forms.CharField(
        label=_("Data sent to your webhook"),
        max_length=300,
        required=False,
        help_text=_("For a tab switch or a date picker (optional)."),
    )

    def __init__(self, *args, aliases: list[tuple[str, str]] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["alias"].choices = [("", "—")] + [
            (alias, f"{name} ({alias})") for alias, name in aliases
        ]

    def area_input(self) -> AreaInput:
        data = self.cleaned_data
        kind = data["type"]
        return AreaInput(
            x=data["x"],
            y=data["y"],
            width=data["width"],
            height=data["height"],
            label=data["label"],
            type=kind,
            value=data["alias"] if kind == "richmenuswitch" else data["value"].strip(),
            data=data["data"],
            mode=data["mode"] or "date",
        )


class TabSetForm(forms.Form):
    name = forms.CharField(label=_("Tab set name"), max_length=100)


class PublishTabsForm(forms.Form):
    make_default = forms.BooleanField(
        label=_("Make the first tab the default menu"), required=False, initial=True
    )


class ScheduleForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"),
        required=False,
        help_text=_("Optional: the previous default menu comes back then."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def __init__(self, *args, time_zone: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zoneinfo.ZoneInfo(time_zone)
        note = _("In the OA's time zone (%(zone)s).") % {"zone": time_zone}
        self.fields["starts_at"].help_text = note

    def _local(self, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        return timezone.make_aware(value.replace(tzinfo=None), self.zone)

    def moments(self) -> tuple[datetime, datetime | None]:
        return self._local(self.cleaned_data["starts_at"]), self._local(
            self.cleaned_data["ends_at"]
        )


def menu_initial(menu: RichMenu, size: str) -> dict:
    return {
        "name": menu.name,
        "chat_bar_text": menu.chat_bar_text,
        "size": size,
        "alias": menu.alias,
        "opens_by_default": menu.opens_by_default,
        "tab_set": menu.tab_set_id,
        "tab_position": menu.tab_position,
    }
