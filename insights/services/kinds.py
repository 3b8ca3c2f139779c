"""Kept only because migration 0004 names ``insights.services.kinds.kind_choices`` as the import
type choices (old migrations are never edited); the pipeline lives in ``insights.imports``."""

from insights.imports.kinds import kind_choices

__all__ = ["kind_choices"]
