"""The workspace audit log: who did what, when and from where.

Services call ``record(...)`` inside the transaction of the action they audit, so an entry
exists exactly when the action happened (a rolled-back action leaves none).
"""

from oa_console.audit.record import (
    SYSTEM_ACTOR,
    changes,
    record,
    record_export,
    record_on_object,
)

__all__ = ["SYSTEM_ACTOR", "changes", "record", "record_export", "record_on_object"]
