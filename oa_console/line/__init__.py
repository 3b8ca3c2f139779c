"""The one LINE client of the console: every app reaches LINE's APIs through this package.

- ``clients``: line-bot-sdk v3 clients per channel (messaging, blob, insight, audience), all
  redirected by ``LINE_API_HOST`` so tests and the demo never reach the real LINE;
- ``limiter``: LINE's rate limits, metered per channel and endpoint class across processes;
- ``calls``: a claim of sends made at once on a thread pool, each with its retry key (the
  send rounds of broadcasts and journeys);
- ``outcomes``: the one classification of what LINE answered (accepted, retry later, refused,
  already accepted under the same retry key, back off), shared by every caller so no app
  interprets HTTP statuses on its own.

Retry keys are the callers' business: they are committed with the work they protect before the
call (a broadcast batch's ``retry_key``) and passed to the SDK call as ``x_line_retry_key``.
"""
