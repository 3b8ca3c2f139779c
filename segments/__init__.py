"""segments owns what the console knows about each friend of an OA, and the audiences built from
it: friends (the CRM contact) with their follow/block history, interactions and LINE profiles;
tags, tag families and tag rules; first-party attributes; custom events; saved segments and their
rules language (``rules/``); RFM scores; campaign links; friend links; follower syncs; and the
personal-data requests about a friend (``personal_data/``).

Layout, one module per entity in each layer: ``models/`` (tables), ``services/`` (writes),
``selectors/`` (reads), ``api/`` (DRF operations, routed by ``api/urls.py``), ``views/`` (pages,
routed by ``urls.py``; ``public/urls.py`` for the campaign short link), ``tasks.py`` (Celery
entry points), ``demo/`` (the steps of ``seed_demo``). Apps above register into segments'
registries in their ``AppConfig.ready()`` (segment fields: ``rules.fields.register_field``;
personal data: ``personal_data.registry``; LINE's target reach and past link clicks:
``registries/``).

Webhook processing (webhooks/) feeds this app only through ``segments.services``; every derived
value on ``Friend`` can be recomputed from ``FriendStatusChange`` and ``Interaction`` rows, which
is what makes replaying the raw event store safe.
"""
