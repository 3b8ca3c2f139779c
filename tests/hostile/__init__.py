"""The hostile-input sweep: every page's query parameters and every API operation's query and
body, sent hostile values (NaN, ±Infinity, NUL, huge numbers, 10,000-deep JSON, wrong types),
must answer 2xx-4xx (pages) or 4xx in the error envelope (API), never 5xx. Derived from the URL
configuration and the OpenAPI schema, so a new URL or operation is swept without being listed.
"""
