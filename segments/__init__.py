"""Friends (the CRM contact of one OA), their follow/block history and interactions; later tags,
first-party attributes, segments and RFM. The member data and orders types of the Imports page
(``member_import``, ``order_import``) are registered with the insights import pipeline here.

Webhook processing (webhooks/) feeds this app only through ``segments.services``; every derived
value on ``Friend`` can be recomputed from ``FriendStatusChange`` and ``Interaction`` rows, which
is what makes replaying the raw event store safe.
"""
