"""The REST API (``/api/v1/``): API-key and session authentication, one error format, pagination."""
