"""Form fields for query-string values, shared by every page that filters by one.

A query string is typed by anyone: ``NaN``, ``1e999999999``, NUL characters, a year 9999. Each
of those passed to the ORM failed deep inside the database driver (a 500, or a CSV download
that stopped mid-file). Pages bind their query parameters to a form built from these fields,
so a bad value becomes a field error shown in place and never reaches a query. Django's
``CharField`` already refuses NUL characters; its ``DecimalField`` refuses NaN and Infinity.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

# Dates the console can show and compute with (a comparison period, a calendar's next month):
# wide enough for any real data, far enough from date.min/date.max that arithmetic on them
# cannot overflow.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2099, 12, 31)
# A primary key: PostgreSQL's ``bigint`` range.
MAX_ID = 2**63 - 1


class QueryDateField(forms.DateField):
    """A ``YYYY-MM-DD`` date between ``EARLIEST_DATE`` and ``LATEST_DATE``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        super().__init__(**kwargs)
        self.validators += [
            MinValueValidator(
                EARLIEST_DATE,
                _("Choose a date on or after %(limit)s.") % {"limit": EARLIEST_DATE.isoformat()},
            ),
            MaxValueValidator(
                LATEST_DATE,
                _("Choose a date on or before %(limit)s.") % {"limit": LATEST_DATE.isoformat()},
            ),
        ]


class QueryIdField(forms.IntegerField):
    """The id of a row, as a select's value: a positive integer the database can hold."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


def date_in_range(value: date) -> bool:
    return EARLIEST_DATE <= value <= LATEST_DATE
