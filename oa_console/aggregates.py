"""Aggregates Django lacks, for reads that must stay in the database at scale."""

from __future__ import annotations

from django.db.models import Aggregate


class PercentileCont(Aggregate):
    """PostgreSQL's ``percentile_cont(share) WITHIN GROUP (ORDER BY expression)``: the
    percentile with linear interpolation between the closest ranks, over numbers or intervals.

    A median over hundreds of thousands of rows computed in Python means loading every row for
    one figure; the database sorts them where they are. PostgreSQL only: callers keep a Python
    path for SQLite (``connection.vendor``), which has no ordered-set aggregates."""

    function = "percentile_cont"
    template = "%(function)s(%(share)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, share: float, **extra):
        share = float(share)  # a number, never text: it is written into the SQL
        if not 0 <= share <= 1:
            raise ValueError(f"share {share} is outside 0..1")
        super().__init__(expression, share=share, **extra)
