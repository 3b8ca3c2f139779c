"""Test doubles for external services. ``line_server`` is a local fake of the LINE API that
validates every request against docs/line-openapi/*.yml and answers like LINE."""
