"""Webhook views: LINE's endpoint (``endpoint``) and the OA's webhook health pages (``health``)."""
