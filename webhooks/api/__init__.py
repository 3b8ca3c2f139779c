"""Webhook API operations (``health``: an OA's webhook health); routes in ``api/urls.py``."""
