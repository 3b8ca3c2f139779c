"""Writes of the broadcasts app, one module per concern:

- ``rules``: each OA's frequency cap and quiet hours
- ``workflow``: drafting, review, approval, scheduling and cancelling (the state machine)
- ``planning``: turning an audience into recipients, batches and held-back friends
- ``sending``: LINE calls with retry keys, retries, rate limits, narrowcast progress
- ``clicks``: recording tracked link clicks
"""
