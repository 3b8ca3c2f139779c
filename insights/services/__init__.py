"""Writes of the insights app, split by concern: imports (CSV jobs), sync (Insight API).

Other apps call these through ``insights.services.<module>``; reading goes through
``insights.selectors``.
"""
