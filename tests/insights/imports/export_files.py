"""A friends export and the stored records' read shared by the import tests."""

from __future__ import annotations

from insights.models import InsightRecord

FRIENDS = "date,contacts,targetReaches,blocks\n20250101,1000,900,10\n20250102,1010,905,12\n20250103,1030,920,12\n"


def current(account, report="friends") -> dict[str, dict]:
    return {
        r.key: r.values
        for r in InsightRecord.unscoped.filter(account=account, report=report, is_current=True)
    }
