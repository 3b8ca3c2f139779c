"""Dashboard metrics: the catalogue of dotted metric names (catalogue), the daily rollups that
store them (rollups, computed in the database by Celery), the debounced refresh (refresh) and
the reads that turn rollups into series per day, week or month (series).

docs/metrics.md documents every name; tests/insights/metrics/test_docs.py keeps both in step.
"""
