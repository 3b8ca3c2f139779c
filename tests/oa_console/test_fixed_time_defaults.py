"""No model field has a fixed date or time default.

Django's check fields.W161 fires for a fixed default only when the check runs within seconds of
that value, so CI's deploy check (warnings fail it) failed at 08:00 UTC on quiet hours' end and
passed at every other minute. These tests find such a default at any hour."""

from __future__ import annotations

from datetime import UTC, datetime
from unittest import mock

from django.apps import apps
from django.conf import settings
from django.db import models

from segments.models import SendingRules


def _project_models() -> list[type[models.Model]]:
    """Models of this repository's apps, not of installed packages."""
    root = str(settings.BASE_DIR)
    return [
        model
        for model in apps.get_models()
        if model._meta.app_config.path.startswith(root)
        and ".venv" not in model._meta.app_config.path
    ]


def test_no_project_field_has_a_fixed_date_or_time_default():
    fixed = [
        f"{model._meta.label}.{field.name}"
        for model in _project_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.DateField | models.TimeField)
        and field.has_default()
        and not callable(field.default)
    ]
    assert len(_project_models()) > 20
    assert fixed == []


def test_quiet_hours_pass_the_check_at_the_moment_they_begin_and_end():
    for moment in (
        datetime(2026, 12, 7, 8, 0, 3, tzinfo=UTC),
        datetime(2026, 12, 7, 22, 0, tzinfo=UTC),
    ):
        with mock.patch("django.utils.timezone.now", return_value=moment):
            for name in ("quiet_start", "quiet_end"):
                ids = [message.id for message in SendingRules._meta.get_field(name).check()]
                assert "fields.W161" not in ids, (name, moment)
    assert SendingRules().quiet_start.hour == 22
    assert SendingRules().quiet_end.hour == 8
