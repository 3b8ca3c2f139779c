"""segments' steps of ``manage.py seed_demo`` (registered in ``SegmentsConfig.ready()``):

- ``crm``: ``seed_crm``, tags, first-party data, purchases, auto-tag rules, segments, campaign
  links and RFM on top of the webhook friends;
- ``coverage``: the tag coverage snapshots the nightly job would have taken on each past day;
- ``followers``: the demo OA's simulated LINE follower list (also answered by the simulated
  LINE) and ``seed_follower_sync``, which applies it through the real sync.
"""
