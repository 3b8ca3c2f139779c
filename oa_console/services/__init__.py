"""Writes of the core, one module per entity: ``workspaces``, ``users``, ``memberships``,
``invitations``, ``line_accounts`` (OA channels) and ``api_keys``.

Every function is keyword-only and atomic, and raises ``django.core.exceptions.ValidationError``
with field names for bad input, so pages, the API and management commands report it the same way.
"""
