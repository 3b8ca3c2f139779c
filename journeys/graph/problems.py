"""One problem of a journey graph, said where a user can fix it.

Every problem names the node it belongs to (``node_id``; None for the trigger, the entry rules,
the goal or the graph as a whole), the field inside it as a JSON path (``messages[0].text``,
``trigger.event``) and carries a stable ``code`` (for the API and the builder's styling) beside
its translated message.
"""

from __future__ import annotations

from dataclasses import dataclass

import jsonschema
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class GraphProblem:
    node_id: str | None
    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str | None]:
        return {
            "node_id": self.node_id,
            "field": self.field,
            "code": self.code,
            "message": self.message,
        }


def join_path(path: str, part: str | int) -> str:
    """``messages`` + 0 -> ``messages[0]``; ``trigger`` + ``event`` -> ``trigger.event``."""
    if isinstance(part, int):
        return f"{path}[{part}]"
    return f"{path}.{part}" if path else part


def _type_names() -> dict[str, str]:
    return {
        "string": _("a text"),
        "integer": _("a whole number"),
        "number": _("a number"),
        "boolean": _("true or false"),
        "array": _("a list"),
        "object": _("an object"),
    }


def schema_message(error: jsonschema.ValidationError) -> str:
    """A translated sentence for a JSON Schema error (jsonschema's own text is English only)."""
    kind, limit = error.validator, error.validator_value
    if kind == "type":
        names = _type_names()
        types = [limit] if isinstance(limit, str) else limit
        return _("This must be %(type)s.") % {
            "type": _(" or ").join(str(names.get(name, name)) for name in types)
        }
    if kind in ("enum", "const"):
        choices = limit if kind == "enum" else [limit]
        return _("This must be one of: %(choices)s.") % {
            "choices": ", ".join(str(choice) for choice in choices)
        }
    if kind in ("minimum", "exclusiveMinimum"):
        return _("This must be at least %(limit)s.") % {"limit": limit}
    if kind in ("maximum", "exclusiveMaximum"):
        return _("This must be at most %(limit)s.") % {"limit": limit}
    if kind == "minLength":
        return (
            _("This must not be empty.")
            if limit == 1
            else _("This must have at least %(limit)s characters.") % {"limit": limit}
        )
    if kind == "maxLength":
        return _("This can have at most %(limit)s characters.") % {"limit": limit}
    if kind == "minItems":
        return _("This needs at least %(limit)s items.") % {"limit": limit}
    if kind == "maxItems":
        return _("This can have at most %(limit)s items.") % {"limit": limit}
    if kind == "uniqueItems":
        return _("Each item may appear only once.")
    if kind in ("pattern", "propertyNames"):
        return _("This value has the wrong format.")
    return _("This value is not valid.")
