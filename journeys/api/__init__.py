"""The journeys REST API under ``/api/v1/accounts/<id>/``: journeys (CRUD, workflow actions,
copy, enrol, enrolments) and item events."""
