"""Writes of the broadcasts app, one module per concern:

- ``rules``: each OA's frequency cap and quiet hours
- ``workflow``: drafting, review, approval, scheduling and cancelling (the state machine)
- ``planning``: turning an audience into recipients, batches and held-back friends
- ``sending``: LINE calls with retry keys, retries, rate limits, narrowcast progress
- ``clicks``: recording tracked link clicks
- ``variants``: A/B variants (validation, stable assignment, sending the winner to the rest)
- ``quiet``: stopping a send under way at quiet hours and resuming it after them
- ``media``: images uploaded for bubbles (LINE's limits, storage, https URLs)
"""
