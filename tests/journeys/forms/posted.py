"""What a browser posts for a form drawn as HTML: every named input, select and text area with
its value, checkboxes only when checked, no buttons. Round-trip tests post exactly what the
builder drew, so an input the template forgets to draw fails them."""

from __future__ import annotations

from html.parser import HTMLParser

from django.http import QueryDict
from django.template.loader import render_to_string


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.pairs: list[tuple[str, str]] = []
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in ("submit", "button", "reset", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.pairs.append((name, attributes.get("value") or default))
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in attributes, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {
                "value": attributes.get("value"),
                "selected": "selected" in attributes,
                "text": "",
            }
            self._select["options"].append(self._option)
        elif tag == "textarea" and name:
            self._textarea = {"name": name, "text": ""}

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            options = self._select["options"]
            chosen = [o for o in options if o["selected"]]
            if not chosen and not self._select["multiple"] and options:
                chosen = options[:1]
            for option in chosen:
                value = option["value"] if option["value"] is not None else option["text"]
                self.pairs.append((self._select["name"], value))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the one line break right after <textarea>.
            text = self._textarea["text"].removeprefix("\n")
            self.pairs.append((self._textarea["name"], text))
            self._textarea = None


def posted_by(html: str, **changes: str | list[str]) -> QueryDict:
    """The form data of ``html``; ``changes`` replace inputs as a person would."""
    parser = _Inputs()
    parser.feed(html)
    data = QueryDict(mutable=True)
    for name, value in parser.pairs:
        data.appendlist(name, value)
    for name, value in changes.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    return data


def drawn(form) -> str:
    """The builder's fields of ``form`` as the editor panel draws them."""
    return render_to_string(
        "journeys/builder_fields.html", {"form": form, "action": "/journeys/1/edit/"}
    )
