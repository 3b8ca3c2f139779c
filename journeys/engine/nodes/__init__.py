"""The node executors, one module per node type, registered by type here.

``EXECUTORS[node_type](ctx) -> StepResult`` (see ``base``). The hot node types write only
through the runner's batch buffer (``BUFFERED``); the others write themselves, each friend's in
its own savepoint. A node that reads the friend's tags (``READS_TAGS``, and every node that
writes itself) gets the friend's buffered tag changes written first.
"""

from journeys.engine.nodes import (
    branch,
    enrol,
    exit,
    send,
    set_attribute,
    split,
    tags,
    wait,
    wait_for_event,
    webhook,
)
from journeys.engine.nodes.base import (
    BUFFERED,
    EXECUTORS,
    READS_TAGS,
    RunBatch,
    StepContext,
    StepResult,
    register_executor,
)

for _type, _module in {
    "wait": wait,
    "wait_for_event": wait_for_event,
    "branch": branch,
    "split": split,
    "send": send,
    "exit": exit,
    "tags": tags,
}.items():
    register_executor(_type, _module.execute, buffered=True)

for _type, _module in {
    "set_attribute": set_attribute,
    "enrol": enrol,
    "webhook": webhook,
}.items():
    register_executor(_type, _module.execute)

__all__ = [
    "BUFFERED",
    "EXECUTORS",
    "READS_TAGS",
    "RunBatch",
    "StepContext",
    "StepResult",
    "register_executor",
]
