"""The insights app's REST API: imports and their mapping step, stored report rows, metric
series, broadcast statistics and the portfolio; routes in ``insights.api.urls``."""
