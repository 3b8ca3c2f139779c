"""insights' URL modules, one per place the root URLconf mounts them: ``account`` (the OA's
dashboards, imports and Insight sync) and ``workspace`` (the portfolio)."""
