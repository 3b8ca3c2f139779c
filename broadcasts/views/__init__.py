"""Broadcast pages: ``lists``, ``composer``, ``detail``, ``actions`` (workflow POSTs), ``calendar``
(content calendars, sending settings), ``test_send``, ``clicks`` (tracked link redirects) and
``media`` (uploaded images); ``common`` holds what they share."""
