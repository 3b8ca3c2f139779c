"""Only ``kinds`` is left here: migration 0004 names ``insights.services.kinds.kind_choices`` as
the import type choices and old migrations are never edited. The Insight API sync is
``insights.sync``; the import pipeline is ``insights.imports``."""
