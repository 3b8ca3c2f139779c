"""Auto-replies: rules that answer a friend first with LINE's free reply API (greeting on
follow and re-follow, keywords, postback data, an away message outside business hours and a
fallback), the OA's business hours, the rule tester, their pages and API.

Layers as in the rest of the app: ``matching`` and ``hours`` are pure decisions, ``selectors``
read, ``services`` write, ``answering`` is the activity hub's subscriber, ``views``/``api``
the pages and the API. docs/inbox-auto.md describes the behaviour for users.
"""
