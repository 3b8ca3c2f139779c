"""segments' writes, one module per entity: friends (facts and the summary derived from them),
profiles (LINE profile enrichment), storage (storable values, fast bulk updates), tags and
tagging, tag rules, attributes, custom events, segments, RFM, campaign links and friend links.
Keyword-only ``<entity>_<verb>(*, account, ...)`` functions; Celery work is enqueued on commit."""
