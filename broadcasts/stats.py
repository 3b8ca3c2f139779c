"""Statistics of A/B results: the Wilson score interval of a click rate and the two-proportion
z-test between two variants. Pure functions of counts (formulas in docs/broadcasts.md)."""

from __future__ import annotations

from math import sqrt
from statistics import NormalDist

Z95 = NormalDist().inv_cdf(0.975)  # 1.959964: two-sided 95%
ALPHA = 0.05


def wilson_interval(successes: int, trials: int, z: float = Z95) -> tuple[float, float] | None:
    """95% Wilson score interval of ``successes / trials``.

    Unlike the normal approximation p ± z·sqrt(p(1-p)/n) it stays inside [0, 1] and keeps a
    sensible width for rates near 0 — click rates of a few percent on small test groups."""
    if trials <= 0:
        return None
    p = successes / trials
    z2 = z * z
    denominator = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denominator
    half = z * sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def two_proportion_p_value(x1: int, n1: int, x2: int, n2: int) -> float | None:
    """Two-sided p-value that two rates differ (pooled two-proportion z-test); None when a
    group is empty or nobody (or everybody) clicked in both, where there is nothing to test."""
    if n1 <= 0 or n2 <= 0:
        return None
    pooled = (x1 + x2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance <= 0:
        return None
    z = (x1 / n1 - x2 / n2) / sqrt(variance)
    return 2 * (1 - NormalDist().cdf(abs(z)))


def significance_threshold(comparisons: int) -> float:
    """Bonferroni: the leader is compared with each other variant, so each comparison must
    pass ``ALPHA / comparisons`` for the overall risk of a false winner to stay at 5%."""
    return ALPHA / max(1, comparisons)
