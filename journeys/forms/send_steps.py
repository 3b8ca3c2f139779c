"""A branch's "and clicked a link sent by these steps": checkboxes of the journey's send steps
by their titles (``Choices.send_steps``), so nobody types step ids. The graph stores the ids, as
before.

A step the branch already names that is no longer a send step (deleted, or changed to another
kind) stays offered, ticked, with that said beside it: opening the form does not silently drop
it, and saving it keeps the graph's own problem at the field. An id that was never offered
(a forged post) is refused at the field; so is ticking more steps than the graph allows.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from journeys.forms.adapters import Adapter


def send_step_options(send_steps: list[tuple[str, str]], current) -> list[tuple[str, str]]:
    """The send steps, then each id of ``current`` that is not one of them."""
    known = {node_id for node_id, _title in send_steps}
    stale = [
        (node_id, _("%(step)s (not a send step)") % {"step": node_id})
        for node_id in (current if isinstance(current, list) else [])
        if isinstance(node_id, str) and node_id not in known
    ]
    return list(send_steps) + stale


class SendStepsAdapter(Adapter):
    """Checkboxes of send steps; the graph's list of node ids."""

    def fields(self) -> dict[str, forms.Field]:
        fields = super().fields()
        fields[self.name].error_messages["invalid_choice"] = _(
            "“%(value)s” is not a send step of this journey."
        )
        if not self.options:
            fields[self.name].help_text = _(
                "This journey has no send step yet: add one, then choose it here."
            )
        return fields

    def clean(self, form: forms.Form) -> None:
        chosen = form.cleaned_data.get(self.name) or []
        limit = self.schema.get("maxItems")
        if limit is not None and len(chosen) > limit:
            form.add_error(
                self.name,
                ngettext("Choose at most %(count)s step.", "Choose at most %(count)s steps.", limit)
                % {"count": limit},
            )
