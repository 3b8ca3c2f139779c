"""Factories for the insights app (import jobs, stored rows)."""

from __future__ import annotations

import datetime

import factory

from insights.models import ImportJob, InsightRecord
from tests.factories import LineAccountFactory, UnscopedFactory


class ImportJobFactory(UnscopedFactory):
    """A finished import of a friends file (no file kept, as after a real run)."""

    class Meta:
        model = ImportJob

    account = factory.SubFactory(LineAccountFactory)
    original_name = factory.Sequence(lambda n: f"friends-{n}.csv")
    size_bytes = 120
    report = "friends"
    status = ImportJob.Status.SUCCEEDED
    inserted = 1
    date_from = datetime.date(2025, 1, 1)
    date_to = datetime.date(2025, 1, 1)


class InsightRecordFactory(UnscopedFactory):
    class Meta:
        model = InsightRecord

    account = factory.SubFactory(LineAccountFactory)
    report = "friends"
    source = InsightRecord.Source.CSV
    import_job = factory.SubFactory(ImportJobFactory, account=factory.SelfAttribute("..account"))
    date = datetime.date(2025, 1, 1)
    key = factory.LazyAttribute(lambda o: o.date.isoformat())
    values = factory.LazyAttribute(
        lambda o: {"date": o.date.isoformat(), "contacts": 100, "target_reaches": 90, "blocks": 2}
    )
