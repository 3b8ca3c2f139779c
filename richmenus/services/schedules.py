"""A menu as the OA's default for a while: a sale menu from Friday 18:00 to Sunday night.

At ``starts_at`` the beat task (``richmenus.tasks.apply_rich_menu_schedules``) makes the menu
the default and remembers the default it replaced; at ``ends_at`` it restores that one (or
cancels the default when there was none or it is gone). Each step is guarded by the schedule's
status, so a repeated or overlapping sweep does nothing twice.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from oa_console.models import LineAccount
from richmenus.models import RichMenu, RichMenuSchedule
from richmenus.selectors.menus import rich_menu_default
from richmenus.services.publishing import (
    PublishFailed,
    rich_menu_default_cancel,
    rich_menu_default_set,
)

S = RichMenuSchedule.Status


@transaction.atomic
def schedule_create(
    *, menu: RichMenu, starts_at: datetime, ends_at: datetime | None
) -> RichMenuSchedule:
    errors: dict[str, list[str]] = {}
    if menu.status != RichMenu.Status.PUBLISHED:
        errors["__all__"] = [_("Publish the menu before scheduling it.")]
    if ends_at is not None and ends_at <= starts_at:
        errors["ends_at"] = [_("The end must come after the start.")]
    if (ends_at or starts_at) <= timezone.now():
        errors.setdefault("starts_at", []).append(_("Choose a time in the future."))
    active = RichMenuSchedule.objects.for_account(menu.account).filter(
        status__in=[S.PENDING, S.ACTIVE]
    )
    overlapping = [
        s
        for s in active.select_related("menu")
        if (ends_at is None or s.starts_at < ends_at)
        and (s.ends_at is None or s.ends_at > starts_at)
    ]
    if overlapping:
        errors.setdefault("__all__", []).append(
            _("Another schedule (%(menu)s) covers part of this time.")
            % {"menu": overlapping[0].menu.name}
        )
    if errors:
        raise ValidationError(errors)
    return RichMenuSchedule.objects.for_account(menu.account).create(
        account=menu.account, menu=menu, starts_at=starts_at, ends_at=ends_at
    )


@transaction.atomic
def schedule_cancel(*, schedule: RichMenuSchedule) -> None:
    if schedule.status != S.PENDING:
        raise ValidationError(_("Only a schedule that has not started can be cancelled."))
    schedule.status = S.CANCELLED
    schedule.save(update_fields=["status"])


def _failed(schedule: RichMenuSchedule, exc: Exception) -> str:
    schedule.status, schedule.error = (
        S.FAILED,
        getattr(exc, "message", " ".join(getattr(exc, "messages", [str(exc)]))),
    )
    schedule.save(update_fields=["status", "error"])
    return ""


def _start(account: LineAccount, schedule: RichMenuSchedule) -> str:
    schedule.previous = rich_menu_default(account=account)
    try:
        rich_menu_default_set(menu=schedule.menu)
    except (PublishFailed, ValidationError) as exc:
        return _failed(schedule, exc)
    schedule.status = S.ACTIVE
    schedule.save(update_fields=["status", "previous"])
    return "started"


def _end(account: LineAccount, schedule: RichMenuSchedule) -> str:
    previous = schedule.previous
    try:
        if previous is not None and previous.status == RichMenu.Status.PUBLISHED:
            rich_menu_default_set(menu=previous)
        else:
            rich_menu_default_cancel(account=account)
    except (PublishFailed, ValidationError) as exc:
        return _failed(schedule, exc)
    schedule.status = S.DONE
    schedule.save(update_fields=["status"])
    return "ended"


@transaction.atomic
def schedule_apply(*, account: LineAccount, schedule_id: int, now: datetime | None = None) -> str:
    """Start or end one schedule when due; what it did ("started", "ended", "" for nothing).
    The schedule's row stays locked until its new status commits, so two sweeps that reach it
    at once (a slow task and the next minute's) make LINE's calls once."""
    now = now or timezone.now()
    schedule = (
        RichMenuSchedule.objects.for_account(account)
        .select_for_update(of=("self",))
        .select_related("menu", "previous")
        .filter(pk=schedule_id)
        .first()
    )
    if schedule is None:
        return ""
    if schedule.status == S.PENDING and schedule.starts_at <= now:
        return _start(account, schedule)
    if schedule.status == S.ACTIVE and schedule.ends_at is not None and schedule.ends_at <= now:
        return _end(account, schedule)
    return ""


def schedules_due(*, now: datetime | None = None) -> list[tuple[int, int]]:
    """(account id, schedule id) of every OA's schedules to start or end: the beat sweep runs
    before any tenant is known, and each id is then applied inside its own OA."""
    now = now or timezone.now()
    due = Q(status=S.PENDING, starts_at__lte=now) | Q(status=S.ACTIVE, ends_at__lte=now)
    return list(RichMenuSchedule.unscoped.filter(due).values_list("account_id", "pk"))
