"""``GET /healthz``: 200 only when the database and the broker answer; beat age is informational."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.db import OperationalError, connections
from django.test import Client, override_settings
from django.utils import timezone

from oa_console.models import Heartbeat

# Nothing listens on TCP port 1, so a connection there is refused at once.
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def anonymous() -> Client:
    return Client()


@pytest.mark.django_db
def test_healthy_stack_answers_200_with_every_check(anonymous):
    seen_at = timezone.now() - dt.timedelta(seconds=30)
    Heartbeat.objects.create(name="beat", seen_at=seen_at)

    response = anonymous.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True
    assert body["beat"]["last_seen"] == seen_at.isoformat()
    assert 29 <= body["beat"]["age_seconds"] < 120


@pytest.mark.django_db
def test_beat_never_seen_is_reported_as_null_and_does_not_fail_health(anonymous):
    body = anonymous.get("/healthz").json()

    assert body["status"] == "ok"
    assert body["beat"] == {"last_seen": None, "age_seconds": None}


@pytest.mark.django_db
def test_unreachable_broker_answers_503(anonymous):
    with override_settings(CELERY_BROKER_URL=UNREACHABLE_REDIS):
        response = anonymous.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["broker"]["ok"] is False
    assert body["broker"]["transport"] == "redis"
    assert body["database"]["ok"] is True
    # A public endpoint must not reveal where the broker lives.
    assert "127.0.0.1" not in response.content.decode()


@pytest.mark.django_db
def test_missing_embedded_broker_folder_answers_503(anonymous, tmp_path):
    missing = str(tmp_path / "gone")
    options = {"data_folder_in": missing, "data_folder_out": missing}
    with override_settings(
        CELERY_BROKER_URL="filesystem://", CELERY_BROKER_TRANSPORT_OPTIONS=options
    ):
        response = anonymous.get("/healthz")

    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False


@pytest.mark.django_db
def test_database_failure_answers_503(anonymous):
    database = connections["default"]

    def refuse(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")

    with mock.patch.object(database, "cursor", side_effect=refuse):
        response = anonymous.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == {
        "ok": False,
        "error": "OperationalError",
        "latency_ms": body["database"]["latency_ms"],
    }
    assert body["beat"] == {"last_seen": None, "age_seconds": None}
    assert "Connection refused" not in response.content.decode()


def test_healthz_needs_no_login_and_rejects_writes(db, anonymous):
    assert anonymous.get("/healthz").status_code == 200
    assert anonymous.post("/healthz").status_code == 405
