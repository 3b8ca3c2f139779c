"""Relative times ("3 minutes ago", "in 2 hours") from the console's own catalogue.

Django's Thai catalogues leave ``timesince``'s units ("%(num)d minute") and humanize's
"%(delta)s ago" untranslated, so ``naturaltime`` and ``timesince`` printed English on Thai
pages. The units and phrases here are the console's own strings, translated in every language
it offers, and go through Django's ``timesince`` (its ``time_strings`` argument) for the
arithmetic, so months and leap years stay Django's.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy

TIME_STRINGS = {
    "year": ngettext_lazy("%(num)d year", "%(num)d years", "num"),
    "month": ngettext_lazy("%(num)d month", "%(num)d months", "num"),
    "week": ngettext_lazy("%(num)d week", "%(num)d weeks", "num"),
    "day": ngettext_lazy("%(num)d day", "%(num)d days", "num"),
    "hour": ngettext_lazy("%(num)d hour", "%(num)d hours", "num"),
    "minute": ngettext_lazy("%(num)d minute", "%(num)d minutes", "num"),
}


def duration(value: datetime, now: datetime | None = None, *, depth: int = 2) -> str:
    """The time between ``value`` and now in words ("6 days, 16 hours"), either direction."""
    now = now or timezone.now()
    if value <= now:
        return timesince(value, now, time_strings=TIME_STRINGS, depth=depth)
    return timeuntil(value, now, time_strings=TIME_STRINGS, depth=depth)


def relative(value: datetime | None, now: datetime | None = None) -> str:
    """``value`` relative to now: "just now", "3 minutes ago", "in 2 hours" (empty for None)."""
    if value is None:
        return ""
    now = now or timezone.now()
    if abs((now - value).total_seconds()) < 60:
        return _("just now")
    if value <= now:
        return _("%(delta)s ago") % {"delta": duration(value, now)}
    return _("in %(delta)s") % {"delta": duration(value, now)}
