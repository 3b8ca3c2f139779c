"""segments' API under ``accounts/<account_id>/`` (routes in ``urls.py``), one module per entity:
friends, follower syncs, custom events, segments, tags, tag families, tag friends, tag rules,
attributes and campaign links. Every operation is an ``AccountApiView`` reading ``self.account``;
a service's Django ``ValidationError`` reaches the API's error handler as it is."""
