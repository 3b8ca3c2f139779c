"""OpenAPI generation: an operation is described only by what was written for it.

drf-spectacular's default takes ``inspect.getdoc`` of the view, which inherits docstrings: every
view that had none was described by ``TenantApiView``'s note to developers ("Subclasses call
self.get_account..."). Here only an ``extend_schema(description=...)``, the handler's own
docstring or the view class's own docstring count; inherited ones never do, and the schema test
(tests/oa_console/test_api_docs.py) fails on an operation left without its own description.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema


def own_docstring(obj) -> str:
    """The docstring written on ``obj`` itself (a class's or function's), never an inherited one."""
    if obj is None:
        return ""
    doc = obj.__dict__.get("__doc__") if isinstance(obj, type) else getattr(obj, "__doc__", None)
    return (doc or "").strip()


class OperationSchema(AutoSchema):
    def get_description(self) -> str:
        handler = getattr(
            self.view, getattr(self.view, "action", None) or self.method.lower(), None
        )
        return own_docstring(getattr(handler, "__func__", handler)) or own_docstring(
            type(self.view)
        )
