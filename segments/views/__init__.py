"""segments' pages (routes in ``segments/urls/account.py`` and, for a campaign link's short URL,
``segments/urls/public.py``), one module per page family: friends (list, bulk tagging, a friend's
page), segments (the builder: ``builder.py`` reads the form back, ``builder_tree.py`` renders
it), tags (with ``tag_charts.py``), tag rules on the tags page, campaigns, RFM, follower syncs;
plus the friends list's filters and the CSV exports."""
