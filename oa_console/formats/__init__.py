"""Locale format overrides (``FORMAT_MODULE_PATH``): only what Django's own locale data gets
wrong for the console's readers; everything else falls through to Django's formats."""
