"""Journeys: marketing automation that answers each friend at the moment they act.

The app owns the journey definition (a versioned graph stored as JSON, ``graph/``, with its
published JSON Schema and its validation), the journeys, their versions and the friends enrolled
in them (``models/``), and the starter journeys a marketer copies (``starters/``).
"""
