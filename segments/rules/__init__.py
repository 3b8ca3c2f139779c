"""The segment rules language: a JSON tree of ``all`` / ``any`` / ``not`` groups and
``{"field", "op", "value"}`` conditions.

``fields`` is the catalogue (one place that says which fields exist, which operators each takes
and what value each operator needs); ``schema`` publishes it as a JSON Schema; ``validation``
checks a tree against the schema and the OA's tags and attributes, answering with JSON paths;
``compiler`` turns a valid tree into one ORM filter on ``Friend``.
"""
