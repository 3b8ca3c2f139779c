# ruff: noqa: F811  (fixtures imported from design_helpers)
"""A menu as the default for a while: the beat sweep starts it on time and restores the
previous default at the end, once, whatever the number of sweeps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from richmenus.models import RichMenuSchedule
from richmenus.services import publishing, schedules
from richmenus.tasks import apply_rich_menu_schedule
from tests.richmenus.design_helpers import drafted, fake_line, line_menus  # noqa: F401

pytestmark = pytest.mark.django_db


def _sweep(account, now):
    """What the beat sweep does, at ``now``: apply every due schedule in its OA."""
    for account_id, schedule_id in schedules.schedules_due(now=now):
        assert account_id == account.pk
        schedules.schedule_apply(account=account, schedule_id=schedule_id, now=now)


def test_a_weekend_sale_menu_starts_and_the_previous_default_comes_back(account, line_menus):
    usual = publishing.rich_menu_publish(menu=drafted(account, name="Usual"))
    publishing.rich_menu_default_set(menu=usual)
    sale = publishing.rich_menu_publish(menu=drafted(account, name="Sale"))
    start = timezone.now() + timedelta(hours=1)
    schedule = schedules.schedule_create(
        menu=sale, starts_at=start, ends_at=start + timedelta(days=2)
    )

    _sweep(account, start - timedelta(minutes=1))
    assert line_menus.default == usual.line_rich_menu_id

    _sweep(account, start)
    _sweep(account, start + timedelta(minutes=1))  # a second sweep changes nothing
    schedule.refresh_from_db()
    assert schedule.status == RichMenuSchedule.Status.ACTIVE and schedule.previous == usual
    assert line_menus.default == sale.line_rich_menu_id
    assert len(line_menus.server.calls("setDefaultRichMenu")) == 2

    _sweep(account, start + timedelta(days=2))
    schedule.refresh_from_db()
    assert schedule.status == RichMenuSchedule.Status.DONE
    assert line_menus.default == usual.line_rich_menu_id


def test_without_a_previous_default_the_end_cancels_the_default(account, line_menus):
    sale = publishing.rich_menu_publish(menu=drafted(account, name="Sale"))
    start = timezone.now() + timedelta(minutes=5)
    schedule = schedules.schedule_create(
        menu=sale, starts_at=start, ends_at=start + timedelta(hours=1)
    )
    assert apply_rich_menu_schedule(account.pk, schedule.pk) == ""  # not due yet
    schedules.schedule_apply(account=account, schedule_id=schedule.pk, now=start)
    assert line_menus.default == sale.line_rich_menu_id
    schedules.schedule_apply(
        account=account, schedule_id=schedule.pk, now=start + timedelta(hours=1)
    )
    assert line_menus.default is None


def test_a_start_line_refuses_is_recorded_on_the_schedule(account, line_menus):
    sale = publishing.rich_menu_publish(menu=drafted(account, name="Sale"))
    start = timezone.now() + timedelta(minutes=5)
    schedule = schedules.schedule_create(menu=sale, starts_at=start, ends_at=None)
    line_menus.server.fail_next("setDefaultRichMenu", 400, message="richmenu not found")
    schedules.schedule_apply(account=account, schedule_id=schedule.pk, now=start)
    schedule.refresh_from_db()
    assert schedule.status == RichMenuSchedule.Status.FAILED
    assert "richmenu not found" in schedule.error


def test_bad_schedules_are_refused(account, line_menus):
    draft = drafted(account, name="Draft")
    soon = timezone.now() + timedelta(hours=1)
    with pytest.raises(ValidationError, match="Publish the menu"):
        schedules.schedule_create(menu=draft, starts_at=soon, ends_at=None)
    menu = publishing.rich_menu_publish(menu=draft)
    with pytest.raises(ValidationError) as refused:
        schedules.schedule_create(menu=menu, starts_at=soon, ends_at=soon - timedelta(minutes=1))
    assert "ends_at" in refused.value.message_dict
    schedules.schedule_create(menu=menu, starts_at=soon, ends_at=soon + timedelta(hours=2))
    with pytest.raises(ValidationError, match="covers part of this time"):
        schedules.schedule_create(menu=menu, starts_at=soon + timedelta(hours=1), ends_at=None)
