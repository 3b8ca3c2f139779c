"""What the runner's walk of a batch writes, kept in memory and written once per batch.

A node executor decides for one friend; what it writes (journal lines, send rows) goes into the
``StepWrites`` the runner hangs on the enrolment while it walks it. Once the whole batch is
walked, ``batch_write`` inserts every send row of the batch in one statement (``ON CONFLICT DO
NOTHING`` on the (enrolment, step) key, so a step run again keeps the row it wrote before),
reads their ids back in one query for the journal lines that name them, and inserts every
journal line in one statement. An enrolment whose walk failed simply drops its ``StepWrites``:
nothing of it was written.

The enrolments' moves go in one ``UPDATE ... FROM (VALUES ...)`` on PostgreSQL (Django's
``bulk_update`` builds a CASE per column and row, which costs seconds of Python per thousand
rows); other databases (SQLite in tests) use ``bulk_update``.

Tag changes of a tag node are buffered too and written first, one call of segments' tagging
service per (tag, add or remove) for the whole batch: it writes the rows in bulk and publishes
each friend's ``tag_added`` / ``tag_removed`` activity in this transaction, as a tag node of
one friend did. The counts on the node's journal line (``added``, ``removed``) are filled in
from what that write changed, before the journal is inserted. A node that reads the friend's
tags later in the same walk (a branch) must see them: the runner writes that friend's changes
first (``flush``).

Attribute changes of a set-attribute node are buffered the same way: one call of segments'
``friend_attributes_set`` per attribute for the whole batch, in the order the friends reached
the node (a friend set twice changes as if set one after the other), each change published as
an ``attribute_changed`` activity; the node's journal line gets ``changed`` from what the write
did. A branch (its rules may read attributes) and every node that writes itself get the
friend's buffered changes written first, tags before attributes.

Outside the runner (the hub's wake-ups, a goal reached) there is no buffer and a line or a
tag is written at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from journeys.models import Enrolment, EnrolmentStep, JourneySend
from oa_console.tenancy import tenant_scope
from segments.models import AttributeDefinition, FriendTag, Tag
from segments.services.friend_attributes import friend_attributes_set
from segments.services.tagging import friend_tags_add, friend_tags_remove

WRITES = "_step_writes"


@dataclass
class PendingSend:
    """A send row to insert, and the journal details that name it (given its id when written)."""

    row: JourneySend
    details: tuple[dict, ...]


@dataclass
class TagChange:
    """A tag to add to (or remove from) the friend; ``detail`` (the node's journal detail)
    gets ``added`` / ``removed`` counted up when the change is written and changed a row."""

    tag: Tag
    add: bool
    source: str
    detail: dict


@dataclass
class AttributeChange:
    """An attribute to set on the friend (``value`` already typed for ``definition``);
    ``detail`` (the node's journal detail) gets ``changed`` when the change is written."""

    definition: AttributeDefinition
    value: Any
    detail: dict


@dataclass
class StepWrites:
    journal: list[EnrolmentStep] = field(default_factory=list)
    sends: list[PendingSend] = field(default_factory=list)
    tags: list[TagChange] = field(default_factory=list)
    attributes: list[AttributeChange] = field(default_factory=list)


def writes_start(enrolment: Enrolment) -> None:
    """Buffer what is written for ``enrolment`` from now on (its earlier buffer is dropped)."""
    setattr(enrolment, WRITES, StepWrites())


def writes_drop(enrolment: Enrolment) -> None:
    setattr(enrolment, WRITES, None)


def _writes(enrolment: Enrolment) -> StepWrites | None:
    return getattr(enrolment, WRITES, None)


def journal_add(enrolment: Enrolment, step: EnrolmentStep) -> EnrolmentStep:
    """A journal line of ``enrolment``: buffered while the runner walks it, else saved now."""
    writes = _writes(enrolment)
    if writes is None:
        step.save()
    else:
        writes.journal.append(step)
    return step


def send_add(enrolment: Enrolment, row: JourneySend, *details: dict) -> None:
    """A send row of ``enrolment``'s current step; each of ``details`` gets ``"send"``: its id
    (the existing row's when the step wrote one before)."""
    writes = _writes(enrolment)
    if writes is not None:
        writes.sends.append(PendingSend(row, details))
        return
    existing = (
        JourneySend.unscoped.filter(enrolment_id=row.enrolment_id, step=row.step)
        .values_list("pk", flat=True)
        .first()
    )
    if existing is None:
        row.save()
        existing = row.pk
    for detail in details:
        detail["send"] = existing


def tag_change(enrolment: Enrolment, change: TagChange) -> None:
    """A tag change for ``enrolment``'s friend: buffered while the runner walks it, else
    written now."""
    writes = _writes(enrolment)
    if writes is None:
        _tags_write([(enrolment, change)])
    else:
        writes.tags.append(change)


def attribute_change(enrolment: Enrolment, change: AttributeChange) -> None:
    """An attribute change for ``enrolment``'s friend: buffered while the runner walks it,
    else written now."""
    writes = _writes(enrolment)
    if writes is None:
        _attributes_write([(enrolment, change)])
    else:
        writes.attributes.append(change)


def pending(enrolment: Enrolment) -> bool:
    """Whether ``enrolment``'s friend has buffered tag or attribute changes."""
    writes = _writes(enrolment)
    return writes is not None and bool(writes.tags or writes.attributes)


def flush(enrolment: Enrolment) -> None:
    """Write ``enrolment``'s buffered tag and attribute changes now (a node about to read
    the friend's tags or attributes, or to write itself)."""
    writes = _writes(enrolment)
    if writes is None:
        return
    tags, writes.tags = writes.tags, []
    attributes, writes.attributes = writes.attributes, []
    if tags:
        _tags_write([(enrolment, change) for change in tags])
    if attributes:
        _attributes_write([(enrolment, change) for change in attributes])


def batch_write(enrolments: Sequence[Enrolment]) -> None:
    """Write the buffered tag and attribute changes, send rows and journal lines of
    ``enrolments`` (a few statements for the whole batch) and stop buffering for them."""
    tags: list[tuple[Enrolment, TagChange]] = []
    attributes: list[tuple[Enrolment, AttributeChange]] = []
    sends: list[PendingSend] = []
    journal: list[EnrolmentStep] = []
    for enrolment in enrolments:
        writes = _writes(enrolment)
        writes_drop(enrolment)
        if writes is not None:
            tags.extend((enrolment, change) for change in writes.tags)
            attributes.extend((enrolment, change) for change in writes.attributes)
            sends.extend(writes.sends)
            journal.extend(writes.journal)
    if tags:
        _tags_write(tags)
    if attributes:
        _attributes_write(attributes)
    if sends:
        _sends_write(sends)
    if journal:
        EnrolmentStep.unscoped.bulk_create(journal)


def _tags_write(changes: list[tuple[Enrolment, TagChange]]) -> None:
    """One tagging call per (tag, add or remove, source), in the order each first came; each
    change's detail counts whether it changed the friend's tags (the first of several changes
    of one friend and tag in the batch does, as when they ran one after the other)."""
    groups: dict[tuple[int, bool, str], list[tuple[Enrolment, TagChange]]] = {}
    for enrolment, change in changes:
        groups.setdefault((change.tag.pk, change.add, change.source), []).append(
            (enrolment, change)
        )
    for (tag_id, add, source), group in groups.items():
        account = group[0][0].account
        tag = group[0][1].tag
        friend_ids = sorted({enrolment.friend_id for enrolment, _change in group})
        with tenant_scope(workspace=account.workspace, account=account):
            had = set(
                FriendTag.objects.for_account(account)
                .filter(tag_id=tag_id, friend_id__in=friend_ids)
                .values_list("friend_id", flat=True)
            )
            if add:
                friend_tags_add(account=account, tag=tag, friend_ids=friend_ids, source=source)
                changed = set(friend_ids) - had
            else:
                friend_tags_remove(account=account, tag=tag, friend_ids=friend_ids)
                changed = had
        key = "added" if add else "removed"
        for enrolment, change in group:
            if enrolment.friend_id in changed:
                change.detail[key] += 1
                changed.discard(enrolment.friend_id)


def _attributes_write(changes: list[tuple[Enrolment, AttributeChange]]) -> None:
    """One ``friend_attributes_set`` call per attribute, in the order each first came, with
    every change of that attribute in the order they were made."""
    groups: dict[int, list[tuple[Enrolment, AttributeChange]]] = {}
    for enrolment, change in changes:
        groups.setdefault(change.definition.pk, []).append((enrolment, change))
    for group in groups.values():
        account = group[0][0].account
        with tenant_scope(workspace=account.workspace, account=account):
            changed = friend_attributes_set(
                account=account,
                definition=group[0][1].definition,
                values=[(enrolment.friend_id, change.value) for enrolment, change in group],
            )
        for (_enrolment, change), did in zip(group, changed, strict=True):
            change.detail["changed"] = did


def _sends_write(sends: list[PendingSend]) -> None:
    JourneySend.unscoped.bulk_create([send.row for send in sends], ignore_conflicts=True)
    written = JourneySend.unscoped.filter(
        enrolment_id__in={send.row.enrolment_id for send in sends},
        step__in={send.row.step for send in sends},
    ).values_list("enrolment_id", "step", "pk")
    ids = {(enrolment_id, step): pk for enrolment_id, step, pk in written}
    for send in sends:
        send.row.pk = ids[(send.row.enrolment_id, send.row.step)]
        for detail in send.details:
            detail["send"] = send.row.pk


def moves_write(enrolments: Sequence[Enrolment], fields: Sequence[str]) -> None:
    """Write ``fields`` of every enrolment (each its own values) in one statement."""
    if not enrolments:
        return
    if connection.vendor != "postgresql":
        Enrolment.unscoped.bulk_update(enrolments, fields)
        return
    model_fields = [Enrolment._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    pk = Enrolment._meta.pk
    casts = [pk.rel_db_type(connection)] + [field.db_type(connection) for field in model_fields]
    row = "(" + ", ".join(f"%s::{cast}" for cast in casts) + ")"
    columns = [pk.column] + [field.column for field in model_fields]
    params: list = []
    for enrolment in enrolments:
        params.append(enrolment.pk)
        params.extend(
            field.get_db_prep_save(getattr(enrolment, field.attname), connection)
            for field in model_fields
        )
    table = quote(Enrolment._meta.db_table)
    sets = ", ".join(f"{quote(column)} = moved.{quote(column)}" for column in columns[1:])
    sql = (
        f"UPDATE {table} SET {sets} "
        f"FROM (VALUES {', '.join([row] * len(enrolments))}) "
        f"AS moved ({', '.join(quote(column) for column in columns)}) "
        f"WHERE {table}.{quote(pk.column)} = moved.{quote(pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
