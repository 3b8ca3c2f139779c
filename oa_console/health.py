"""``GET /healthz``: are the database and the Celery broker reachable? Used by compose healthchecks."""

from django.http import HttpRequest, JsonResponse


def healthz(request: HttpRequest) -> JsonResponse:
    raise NotImplementedError  # replaced by the infrastructure work in progress
