"""Confidence intervals for conversion rates (pure functions, no database).

Wilson's score interval keeps a small arm's interval inside [0, 1] and honest when it has few
or no conversions, where the plain normal approximation collapses to a zero-width interval. The
difference between an arm and the control uses the normal approximation of the two
proportions, the usual A/B read-out.
"""

from __future__ import annotations

import math

Z_95 = 1.959963984540054


def wilson_interval(successes: int, trials: int, z: float = Z_95) -> tuple[float, float] | None:
    """The 95 % interval of ``successes / trials``; None without trials."""
    if trials <= 0:
        return None
    p = successes / trials
    denominator = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denominator
    margin = z * math.sqrt(p * (1 - p) / trials + z * z / (4 * trials * trials)) / denominator
    return max(0.0, centre - margin), min(1.0, centre + margin)


def difference_interval(
    successes: int, trials: int, control_successes: int, control_trials: int, z: float = Z_95
) -> tuple[float, tuple[float, float]] | None:
    """The arm's rate minus the control's, with its 95 % interval; None without both."""
    if trials <= 0 or control_trials <= 0:
        return None
    p, q = successes / trials, control_successes / control_trials
    difference = p - q
    error = math.sqrt(p * (1 - p) / trials + q * (1 - q) / control_trials)
    return difference, (difference - z * error, difference + z * error)
