"""The node executors, one module per node type, registered by type here.

``EXECUTORS[node_type](ctx) -> StepResult`` (see ``base``). The hot node types write only
through the runner's batch buffer (``BUFFERED``); the others write themselves, each friend's in
its own savepoint. A node that reads the friend's tags or attributes (``READS_FRIEND``, and
every node that writes itself) gets the friend's buffered changes written first.
"""

from journeys.engine.nodes import (
    branch,
    enrol,
    exit,
    rich_menu,
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
    READS_FRIEND,
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
    "set_attribute": set_attribute,
}.items():
    register_executor(_type, _module.execute, buffered=True)

for _type, _module in {
    "enrol": enrol,
    "webhook": webhook,
    "switch_rich_menu": rich_menu,
}.items():
    register_executor(_type, _module.execute)

__all__ = [
    "BUFFERED",
    "EXECUTORS",
    "READS_FRIEND",
    "RunBatch",
    "StepContext",
    "StepResult",
    "register_executor",
]
