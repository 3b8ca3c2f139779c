"""Writes of the Insight API sync (``sync``) and the broadcast statistics it stores
(``broadcast_details``); the import pipeline lives in ``insights.imports``. ``kinds`` only keeps
the import type choices where migration 0004 names them."""
