"""The Insight API sync: LINE's daily figures (followers, message deliveries), demographics and
the statistics of the console's own broadcasts, fetched through line-bot-sdk's Insight client
(``oa_console.line``) and stored beside the CSV imports' rows (source ``api``: both are kept,
the API value is the one shown, and the difference stays visible). Dates are JST, as LINE counts.

One module per concern: ``passes`` (one pass per OA, "Sync now", the hourly sweep), ``daily``
(the daily figures and demographics), ``broadcasts`` (broadcast statistics: the one fetcher of
them), ``broadcast_details`` (their per-bubble and per-URL rows), ``line`` (each call through the
channel's limiter and the one LINE client) and ``records`` (what a run keeps: API rows and each
endpoint's last outcome). The Celery entry points are in ``insights.tasks``.
"""
