"""The workspace audit log: who did what, when and from where.

Services call ``record(...)`` inside the transaction of the action they audit, so an entry
exists exactly when the action happened (a rolled-back action leaves none).
"""

from oa_console.audit.record import record

__all__ = ["record"]
