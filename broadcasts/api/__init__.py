"""API: broadcasts of an OA. CRUD, the workflow actions (submit, approve, reject, schedule,
cancel), the audience/cost estimate, and per-batch outcomes (the test send is in
``broadcasts.api.test_send``).

Body of a broadcast: ``{"name", "messages": [LINE message objects], "audience": {"all": true} |
{"segment": <id>} | {"demographic": <LINE filter>} | {"segment": <id>, "demographic": <LINE
filter>}, "variants"?: [{"name", "messages", "share"?}], "variant_test_percent"?,
"holdout_percent"?, "track_clicks"?, "click_attribution"?: "friend" | "link"}``. With variants, ``messages`` may be left out (it mirrors the first
variant's). An action the broadcast's state does not allow answers 409.

The detail's ``line_stats`` holds LINE's own numbers once fetched: for a broadcast/narrowcast
``delivered``, ``unique_impression``, ``unique_click``, ``clicks`` per URL; for a multicast/push
sent with aggregation units (``aggregation_units``) ``units``: per unit (per A/B ``variant``)
``sent`` (accepted by LINE), ``unique_impression``, ``unique_click``, ``open_rate``,
``click_rate``, ``messages`` per bubble and ``clicks`` per URL. null means LINE withheld a
figure under 20, never 0. ``aggregation_note`` says when LINE refused a unit.

``results`` is what the broadcast page and Insights > Broadcasts show: LINE's figures in one
shape whatever the send's method, with ``state`` ``pending`` and ``published_after`` until LINE
has published them; ``tracked_clicks`` are the console's own clicks of its tracked links.

Modules: ``broadcasts`` (CRUD), ``actions`` (workflow), ``batches`` (outcomes, estimate),
``test_send``, ``input``/``output`` (serializers), ``common``; routes in ``urls``.
"""
