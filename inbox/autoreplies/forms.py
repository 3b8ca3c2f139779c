"""The auto-reply pages' forms: a rule (its messages built from simple fields), the rule
tester and business hours. Problems show on the field that caused them."""

from __future__ import annotations

import json
import zoneinfo
from datetime import date, datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from inbox.autoreplies.hours import END_OF_DAY, minutes
from inbox.autoreplies.matching import FOLLOW, MESSAGE, POSTBACK, REFOLLOW
from inbox.autoreplies.services import RuleInput, rule_errors
from inbox.models import AutoReplyRule
from oa_console.json_input import json_loads_bounded
from oa_console.line.messages import MAX_BUBBLES, messages_errors
from segments.models import Tag

MESSAGE_FIELDS = ("text", "sticker", "image_url", "more_messages")
WEEKDAYS = (
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
)


class AutoReplyRuleForm(forms.Form):
    """A rule. Its LINE messages are, in this order: the text, the sticker, the image, then
    any messages given as JSON (a Flex message...), five at most."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=80)
    # "Answers" alone is the Chats insights' count of answers (ja 応答数); here it names what
    # a rule answers (a greeting, keywords, a postback...), so it has its own context.
    kind = forms.ChoiceField(
        label=pgettext_lazy("auto-reply kind", "Answers"), choices=AutoReplyRule.Kind.choices
    )
    match = forms.ChoiceField(
        label=gettext_lazy("Match"),
        choices=[("", "—"), *AutoReplyRule.Match.choices],
        required=False,
        help_text=gettext_lazy(
            "Keywords: is exactly, contains or regular expression (ignoring case and "
            "full-width letters). Postback data: is exactly or starts with."
        ),
    )
    patterns = forms.CharField(
        label=gettext_lazy("Keywords or postback data"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=gettext_lazy("One per line."),
    )
    on_follow = forms.BooleanField(
        label=gettext_lazy("Greet a new friend"), required=False, initial=True
    )
    on_refollow = forms.BooleanField(
        label=gettext_lazy("Greet a friend who unblocked the OA"), required=False, initial=True
    )
    text = forms.CharField(
        label=gettext_lazy("Text message"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        help_text=gettext_lazy("{displayName} is replaced by the friend's name."),
    )
    sticker = forms.CharField(
        label=gettext_lazy("Sticker"),
        required=False,
        max_length=40,
        help_text=gettext_lazy("Package ID/sticker ID, e.g. 446/1988."),
    )
    image_url = forms.URLField(
        label=gettext_lazy("Image (https URL)"),
        required=False,
        max_length=2000,
        assume_scheme="https",
    )
    more_messages = forms.CharField(
        label=gettext_lazy("More messages (JSON)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=gettext_lazy("A JSON list of LINE message objects, e.g. a Flex message."),
    )
    tags = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Tags to add"),
        queryset=None,  # the OA's tags, set in __init__
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    hand_over = forms.BooleanField(
        label=gettext_lazy("Hand the conversation to a person"),
        required=False,
        help_text=gettext_lazy(
            "The conversation is opened for the team and auto-replies stay quiet in it "
            "until it is resolved."
        ),
    )
    enabled = forms.BooleanField(label=gettext_lazy("On"), required=False, initial=True)

    def __init__(self, *args, account, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = Tag.objects.for_account(account).order_by("name")

    @classmethod
    def initial_for(cls, rule: AutoReplyRule) -> dict:
        """A saved rule as the form's fields (its messages split back into them)."""
        initial = {
            "name": rule.name,
            "kind": rule.kind,
            "match": rule.match,
            "patterns": "\n".join(rule.patterns),
            "on_follow": rule.on_follow,
            "on_refollow": rule.on_refollow,
            "tags": list(rule.tags.all()),
            "hand_over": rule.hand_over,
            "enabled": rule.enabled,
        }
        more = []
        for message in rule.messages:
            kind = message.get("type")
            if kind == "text" and "text" not in initial:
                initial["text"] = message.get("text", "")
            elif (
                kind == "sticker"
                and "sticker" not in initial
                and set(message)
                == {
                    "type",
                    "packageId",
                    "stickerId",
                }
            ):
                initial["sticker"] = f"{message['packageId']}/{message['stickerId']}"
            elif (
                kind == "image"
                and "image_url" not in initial
                and (message.get("originalContentUrl") == message.get("previewImageUrl"))
            ):
                initial["image_url"] = message["originalContentUrl"]
            else:
                more.append(message)
        if more:
            initial["more_messages"] = json.dumps(more, ensure_ascii=False, indent=2)
        return initial

    def _messages(self, data: dict) -> list[tuple[str, dict]]:
        """(the field it came from, LINE message) in sending order."""
        built: list[tuple[str, dict]] = []
        if data.get("text", "").strip():
            built.append(("text", {"type": "text", "text": data["text"].strip()}))
        sticker = data.get("sticker", "").strip()
        if sticker:
            package, _sep, sticker_id = sticker.partition("/")
            if not (package.strip().isdigit() and sticker_id.strip().isdigit()):
                self.add_error("sticker", _("Write the sticker as package ID/sticker ID."))
            else:
                built.append(
                    (
                        "sticker",
                        {
                            "type": "sticker",
                            "packageId": package.strip(),
                            "stickerId": sticker_id.strip(),
                        },
                    )
                )
        if data.get("image_url"):
            url = data["image_url"]
            built.append(
                (
                    "image_url",
                    {"type": "image", "originalContentUrl": url, "previewImageUrl": url},
                )
            )
        raw = data.get("more_messages", "").strip()
        if raw:
            try:
                more = json_loads_bounded(raw)
            except ValueError:
                more = None
            if not isinstance(more, list):
                self.add_error("more_messages", _("Enter a JSON list of LINE message objects."))
            else:
                built += [("more_messages", message) for message in more]
        return built

    def clean(self) -> dict:
        data = super().clean()
        built = self._messages(data)
        if self.errors:
            return data
        messages = [message for _field, message in built]
        if not messages:
            self.add_error("text", _("Write what the rule answers."))
            return data
        if len(messages) > MAX_BUBBLES:
            self.add_error(
                "more_messages",
                _("At most %(max)s messages can be sent at once.") % {"max": MAX_BUBBLES},
            )
            return data
        for problem in messages_errors(messages):
            where = built[problem.bubble - 1][0] if problem.bubble else "text"
            self.add_error(where, str(problem))
        data["messages"] = messages
        rule = self.rule_input(data)
        for name, problems in rule_errors(rule).items():
            if name != "messages" and name in self.fields:
                for problem in problems:
                    self.add_error(name, problem)
        return data

    @staticmethod
    def rule_input(data: dict) -> RuleInput:
        return RuleInput(
            name=data.get("name", ""),
            kind=data.get("kind", ""),
            match=data.get("match", ""),
            patterns=[line for line in data.get("patterns", "").splitlines() if line.strip()],
            on_follow=data.get("on_follow", False),
            on_refollow=data.get("on_refollow", False),
            enabled=data.get("enabled", False),
            hand_over=data.get("hand_over", False),
            tags=list(data.get("tags") or []),
            messages=data.get("messages", []),
        )


class AutoReplyTestForm(forms.Form):
    """The rule tester: what a friend does, and when (in the OA's time zone)."""

    event = forms.ChoiceField(
        label=gettext_lazy("The friend"),
        choices=[
            (MESSAGE, gettext_lazy("writes a message")),
            (POSTBACK, gettext_lazy("taps a button (postback data)")),
            (FOLLOW, gettext_lazy("adds the OA as a friend")),
            (REFOLLOW, gettext_lazy("unblocks the OA")),
        ],
        initial=MESSAGE,
    )
    sample = forms.CharField(
        label=gettext_lazy("Text or postback data"), required=False, max_length=5000
    )
    at = forms.DateTimeField(
        label=gettext_lazy("At (the OA's time)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=gettext_lazy("Empty: now. Decides whether business hours are open."),
    )

    def moment(self, time_zone: str) -> datetime:
        """The chosen time read in the OA's zone (the form's value is a local wall time)."""
        value = self.cleaned_data.get("at")
        if value is None:
            return timezone.now()
        return value.replace(tzinfo=None).replace(tzinfo=zoneinfo.ZoneInfo(time_zone))


class BusinessHoursForm(forms.Form):
    """One line per weekday ("09:00-12:00, 13:00-18:00"; empty: closed) and closed dates."""

    closed_dates = forms.CharField(
        label=gettext_lazy("Closed dates"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One date per line, YYYY-MM-DD (holidays)."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for weekday, label in enumerate(WEEKDAYS):
            self.fields[f"day_{weekday}"] = forms.CharField(
                label=label,
                required=False,
                max_length=200,
                help_text=gettext_lazy("e.g. 09:00-12:00, 13:00-18:00; empty: closed."),
            )

    @staticmethod
    def initial_for(windows: list[dict], closed_dates: list[str]) -> dict:
        initial = {
            f"day_{weekday}": ", ".join(
                f"{w['start']}-{w['end']}" for w in windows if w["weekday"] == weekday
            )
            for weekday in range(7)
        }
        initial["closed_dates"] = "\n".join(closed_dates)
        return initial

    def clean(self) -> dict:
        data = super().clean()
        windows = []
        for weekday in range(7):
            name = f"day_{weekday}"
            for part in (data.get(name) or "").split(","):
                if not part.strip():
                    continue
                start, _sep, end = (piece.strip() for piece in part.partition("-"))
                try:
                    valid = minutes(start) < minutes(end) and minutes(start) < END_OF_DAY
                except ValueError:
                    valid = False
                if not valid:
                    self.add_error(
                        name,
                        _("“%(part)s” is not a window like 09:00-18:00 (ending after it starts).")
                        % {"part": part.strip()[:30]},
                    )
                else:
                    windows.append({"weekday": weekday, "start": start, "end": end})
        data["windows"] = windows
        data["closed_date_list"] = [
            line.strip() for line in (data.get("closed_dates") or "").splitlines() if line.strip()
        ]
        for value in data["closed_date_list"]:
            try:
                date.fromisoformat(value)
            except ValueError:
                self.add_error(
                    "closed_dates",
                    _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value[:20]},
                )
        return data
