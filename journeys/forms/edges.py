"""Where each path of a node leads: one choice per outlet among the journey's other steps."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _

from journeys.flow import outlet_label


class ConnectForm(forms.Form):
    def __init__(
        self,
        data=None,
        *,
        node: dict,
        outlets: tuple[str, ...],
        edges: dict,
        steps: list[tuple[str, str]],
        node_id: str,
    ):
        super().__init__(data)
        self.outlets = outlets
        options = [("", _("— not connected —"))] + [
            (step_id, title) for step_id, title in steps if step_id != node_id
        ]
        for outlet in outlets:
            current = edges.get(outlet)
            choices = list(options)
            if current and current not in {value for value, _label in choices}:
                # A path to a step that no longer exists stays visible until it is changed.
                choices.append((current, _("%(id)s (does not exist)") % {"id": current}))
            self.fields[f"outlet_{outlet}"] = forms.ChoiceField(
                label=_("Path “%(path)s” leads to") % {"path": outlet_label(node, outlet)},
                choices=choices,
                required=False,
                initial=current or "",
            )

    def targets(self) -> dict[str, str | None]:
        return {
            outlet: self.cleaned_data.get(f"outlet_{outlet}") or None for outlet in self.outlets
        }
