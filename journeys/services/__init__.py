"""Writes of journeys: drafting, the workflow (submit, activate, pause, resume, archive), copying
to another OA and webhook secrets. Each function takes ``account=`` and checks every id it is
given within that OA."""
