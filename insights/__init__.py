"""The insights app: the import pipeline (``imports``: every import type, other apps' data
included, with the report catalogue, its pages and forms), the Insight API sync (``sync``),
metric rollups and their catalogue (``metrics``), the Insights dashboards and portfolio
(``dashboards``), the REST API (``api``), models, selectors and Celery entry points (``tasks``).
"""
