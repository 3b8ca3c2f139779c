"""The API's one body parser: strict JSON with a bounded nesting depth.

DRF's ``JSONParser`` lets ``RecursionError`` escape on a deeply nested body (a 500 on every
JSON endpoint) and turns ``1e999`` into ``inf``. This parser reads the body through
``json_loads_bounded`` and answers anything it refuses with a 400 in the error envelope
(``ParseError`` -> ``oa_console.api.errors``). It is the only default parser: the API speaks
JSON (form-encoded bodies are answered 415), so no other path parses a JSON field from text;
the import upload sets its own multipart parser.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding

from oa_console.json_input import JSONNotFinite, JSONTooDeep, json_loads_bounded


class BoundedJSONParser(JSONParser):
    """``application/json`` bodies, refused with 400 when nested deeper than
    ``MAX_JSON_DEPTH``, holding NaN/Infinity or numbers beyond a float, or not JSON."""

    def parse(self, stream, media_type=None, parser_context=None):
        encoding = get_encoding(parser_context or {})
        # Reading the stream skips Django's DATA_UPLOAD_MAX_MEMORY_SIZE check (only
        # ``request.body`` makes it): read at most one byte more than it allows.
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if limit else stream.read()
        if limit and len(raw) > limit:
            raise ParseError(_("The request body is too large."))
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(
                _("The request body is not valid %(encoding)s text.") % {"encoding": encoding}
            ) from exc
        try:
            return json_loads_bounded(text)
        except JSONTooDeep as exc:
            raise ParseError(
                _("JSON nested deeper than %(limit)s levels is not accepted.")
                % {"limit": exc.limit}
            ) from exc
        except JSONNotFinite as exc:
            raise ParseError(_("JSON numbers must be finite: %(error)s") % {"error": exc}) from exc
        except ValueError as exc:
            raise ParseError(
                _("The request body is not valid JSON: %(error)s") % {"error": exc}
            ) from exc
