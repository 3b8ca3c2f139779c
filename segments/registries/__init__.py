"""What apps above segments provide to it, registered in their ``AppConfig.ready()`` (segments
sits below them and may not import them): LINE's target reach (``target_reach``, from insights),
the past link clicks a new auto-tag rule's backfill reads (``past_link_clicks``, from
broadcasts and journeys) and the panels other apps add to a friend's page (``friend_panels``, from
journeys).

The modules import no models, so an app's ``apps.py`` can import them at the top. The other
registries of segments live next to what they feed: segment fields in ``rules.fields``,
personal-data providers in ``personal_data.registry``.
"""
