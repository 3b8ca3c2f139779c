"""Saving staged member data rows (``MemberDataKind.apply``): friends' built-in fields and typed
attributes, only where a value changes, so a re-import counts its friends as unchanged.

PostgreSQL: a handful of set-based statements over the stage (the import's temp table), joined
to friends once: unknown ids, which friends change, member ids that move, one UPDATE of the
friends and one upsert per attribute. The generic path (SQLite, development) does the same per
batch of staged rows through the ORM. Both give the same answers; tests run both.
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from insights.imports.kinds import ApplyResult
from insights.imports.storage import PostgresStage
from oa_console.activity.models import Activity
from oa_console.activity.publishing import ActivityInput, publish_many
from segments.models import AttributeDefinition, Friend, FriendAttribute

FRIEND_FIELDS = ("member_id", "gender", "birthday", "region", "member_tier", "add_source")
APPLY_BATCH = 1000
VALUE_COLUMNS = {
    AttributeDefinition.Type.TEXT: "value_text",
    AttributeDefinition.Type.NUMBER: "value_number",
    AttributeDefinition.Type.DATE: "value_date",
    AttributeDefinition.Type.BOOLEAN: "value_bool",
}


def set_based() -> bool:
    """Whether the PostgreSQL statements are used (tests switch it off to run the generic path)."""
    return connection.vendor == "postgresql"


def members_apply(
    *,
    account,
    key: str,
    stage,
    targets: list[str],
    definitions: dict[str, AttributeDefinition],
    result: ApplyResult,
) -> list[int]:
    """Apply every staged row; fills ``result`` and returns the friends whose add-friend source
    changed (their tag rules run next)."""
    if set_based() and isinstance(stage, PostgresStage):
        return _apply_postgres(account, key, stage.table, targets, definitions, result)
    sourced: list[int] = []
    for batch in stage.batches(APPLY_BATCH):
        _apply_batch(account, key, batch, definitions, result, sourced)
    return sourced


def _attribute_key(target: str) -> str:
    return target.rsplit(":", 1)[1]


def _typed_value(definition: AttributeDefinition, value) -> dict:
    """The FriendAttribute columns for one staged value (only the type's column is set)."""
    kind = definition.type
    if kind == AttributeDefinition.Type.NUMBER:
        return {"value_number": Decimal(value)}
    if kind == AttributeDefinition.Type.DATE:
        return {"value_date": date.fromisoformat(value)}
    if kind == AttributeDefinition.Type.BOOLEAN:
        return {"value_bool": bool(value)}
    return {"value_text": value}


def _same(row: FriendAttribute | None, typed: dict) -> bool:
    if row is None:
        return False
    return all(getattr(row, name) == value for name, value in typed.items())


def _apply_batch(account, key, batch, definitions, result: ApplyResult, sourced: list) -> None:
    account_friends = Friend.objects.for_account(account)
    account_attributes = FriendAttribute.objects.for_account(account)
    friends = {
        getattr(friend, key): friend
        for friend in account_friends.filter(**{f"{key}__in": [r.key for r in batch]})
    }
    existing = {
        (row.friend_id, row.definition_id): row
        for row in account_attributes.filter(friend__in=[f.pk for f in friends.values()])
    }
    now = timezone.now()
    changed_fields: set[str] = set()
    changed: list[Friend] = []
    changed_targets: dict[int, list[str]] = {}
    moving_member_ids: dict[int, str] = {}
    attribute_rows: list[FriendAttribute] = []
    for staged in batch:
        friend = friends.get(staged.key)
        if friend is None:
            result.unknown.append((staged.row, staged.key))
            continue
        touched = False
        for target, value in staged.values.items():
            if target in FRIEND_FIELDS:
                new = date.fromisoformat(value) if target == "birthday" else value
                if getattr(friend, target) == new:
                    continue
                if target == "member_id":
                    moving_member_ids[friend.pk] = new
                if target == "add_source":
                    sourced.append(friend.pk)
                setattr(friend, target, new)
                changed_fields.add(target)
                changed_targets.setdefault(friend.pk, []).append(target)
                touched = True
            else:
                definition = definitions[_attribute_key(target)]
                typed = _typed_value(definition, value)
                if _same(existing.get((friend.pk, definition.pk)), typed):
                    continue
                attribute_rows.append(
                    FriendAttribute(account=account, friend=friend, definition=definition, **typed)
                )
                changed_targets.setdefault(friend.pk, []).append(target)
                touched = True
        if touched:
            friend.updated_at = now
            changed.append(friend)
            result.updated += 1
        else:
            result.unchanged += 1
    if moving_member_ids:
        # A member id moves to another friend (or two swap): free them first, since the
        # (account, member id) constraint is checked row by row.
        account_friends.filter(member_id__in=moving_member_ids.values()).update(member_id="")
        account_friends.filter(pk__in=moving_member_ids).update(member_id="")
        freed = set(moving_member_ids.values())
        for friend in friends.values():
            if friend.pk not in moving_member_ids and friend.member_id in freed:
                friend.member_id = ""  # so saving its other changes does not write it back
    if changed:
        account_friends.bulk_update(
            changed, sorted(changed_fields | {"updated_at"}), batch_size=500
        )
    account_attributes.bulk_create(
        attribute_rows,
        update_conflicts=True,
        unique_fields=["friend", "definition"],
        update_fields=["value_text", "value_number", "value_date", "value_bool", "updated_at"],
        batch_size=500,
    )
    _publish(account, changed_targets, moving_member_ids)


def _publish(account, changed: dict[int, list[str]], member_ids: dict[int, str]) -> None:
    """The import's changes as activities, in bulk and in the import's transaction: one
    ``attribute_changed`` per changed friend (naming the fields and attributes given), one
    ``member_id_linked`` per friend whose member id it set."""
    publish_many(
        account=account,
        activities=[
            ActivityInput(
                kind=Activity.Kind.ATTRIBUTE_CHANGED,
                friend_id=friend_id,
                payload={"source": "member_import", "targets": sorted(targets)},
            )
            for friend_id, targets in changed.items()
        ]
        + [
            ActivityInput(
                kind=Activity.Kind.MEMBER_ID_LINKED,
                friend_id=friend_id,
                payload={"source": "member_import", "member_id": member_id},
            )
            for friend_id, member_id in member_ids.items()
            if member_id
        ],
    )


def _cast(field_name: str, model=Friend) -> str:
    return model._meta.get_field(field_name).db_type(connection)


def _apply_postgres(account, key, stage_table, targets, definitions, result) -> list[int]:
    friends = Friend._meta.db_table
    values = FriendAttribute._meta.db_table
    fields = [t for t in targets if t in FRIEND_FIELDS and t != key]
    attributes = [
        (t, definitions[_attribute_key(t)]) for t in targets if t.startswith("attribute:")
    ]
    work = f"member_apply_{uuid.uuid4().hex[:12]}"
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""CREATE TEMP TABLE {work} ON COMMIT DROP AS
            SELECT s.row_no, s.key, s."values" AS v, f.id AS friend_id,
                   false AS changed, false AS sourced
            FROM {stage_table} s
            LEFT JOIN {friends} f ON f.account_id = %s AND f.{key} = s.key""",
            [account.pk],
        )
        cursor.execute(f"SELECT row_no, key FROM {work} WHERE friend_id IS NULL ORDER BY row_no")
        result.unknown.extend(cursor.fetchall())

        # Which friends change: a given field differs, or a given attribute is not already the
        # same value.
        differs, params = [], []
        for name in fields:
            differs.append(f"(w.v ? %s AND f.{name} IS DISTINCT FROM (w.v->>%s)::{_cast(name)})")
            params += [name, name]
        for target, definition in attributes:
            column = VALUE_COLUMNS[definition.type]
            differs.append(
                f"""(w.v ? %s AND NOT EXISTS (
                    SELECT 1 FROM {values} a WHERE a.friend_id = w.friend_id
                    AND a.definition_id = %s
                    AND a.{column} IS NOT DISTINCT FROM
                        (w.v->>%s)::{_cast(column, FriendAttribute)}))"""
            )
            params += [target, definition.pk, target]
        sourced = (
            "(w.v ? 'add_source' AND f.add_source IS DISTINCT FROM w.v->>'add_source')"
            if "add_source" in fields
            else "false"
        )
        if differs:
            cursor.execute(
                f"""UPDATE {work} w SET changed = ({" OR ".join(differs)}), sourced = {sourced}
                FROM {friends} f WHERE f.id = w.friend_id""",
                params,
            )
        cursor.execute(
            f"SELECT count(*) FILTER (WHERE changed), count(*) FILTER (WHERE NOT changed) "
            f"FROM {work} WHERE friend_id IS NOT NULL"
        )
        result.updated, result.unchanged = cursor.fetchone()
        cursor.execute(f"SELECT friend_id FROM {work} WHERE sourced")
        sourced_ids = [row[0] for row in cursor.fetchall()]

        cursor.execute(f"SELECT friend_id, v FROM {work} WHERE changed")
        given = set(targets)
        changed = {
            friend_id: [t for t in (json.loads(v) if isinstance(v, str) else v) if t in given]
            for friend_id, v in cursor.fetchall()
        }
        member_ids: dict[int, str] = {}
        if "member_id" in fields:
            cursor.execute(
                f"""SELECT w.friend_id, w.v->>'member_id' FROM {work} w
                JOIN {friends} g ON g.id = w.friend_id
                WHERE w.v ? 'member_id' AND g.member_id IS DISTINCT FROM w.v->>'member_id'"""
            )
            member_ids = dict(cursor.fetchall())
        if "member_id" in fields:
            # A member id moving to another friend (or two swapping) is freed first: the
            # (account, member id) constraint is checked row by row.
            cursor.execute(
                f"""UPDATE {friends} f SET member_id = '' WHERE f.account_id = %s
                AND f.member_id IN (
                    SELECT w.v->>'member_id' FROM {work} w JOIN {friends} g ON g.id = w.friend_id
                    WHERE w.v ? 'member_id' AND g.member_id IS DISTINCT FROM w.v->>'member_id')""",
                [account.pk],
            )
        sets = [
            f"{name} = CASE WHEN w.v ? %s THEN (w.v->>%s)::{_cast(name)} ELSE f.{name} END"
            for name in fields
        ]
        cursor.execute(
            f"""UPDATE {friends} f SET {", ".join([*sets, "updated_at = %s"])}
            FROM {work} w WHERE f.id = w.friend_id AND w.changed""",
            [value for name in fields for value in (name, name)] + [now],
        )
        for target, definition in attributes:
            column = VALUE_COLUMNS[definition.type]
            typed = {name: "NULL" for name in VALUE_COLUMNS.values()}
            typed["value_text"] = "''"
            typed[column] = f"(w.v->>%s)::{_cast(column, FriendAttribute)}"
            cursor.execute(
                f"""INSERT INTO {values} (account_id, friend_id, definition_id, value_text,
                    value_number, value_date, value_bool, updated_at)
                SELECT %s, w.friend_id, %s, {typed["value_text"]}, {typed["value_number"]},
                    {typed["value_date"]}, {typed["value_bool"]}, %s
                FROM {work} w WHERE w.friend_id IS NOT NULL AND w.v ? %s
                ON CONFLICT (friend_id, definition_id) DO UPDATE SET
                    value_text = EXCLUDED.value_text, value_number = EXCLUDED.value_number,
                    value_date = EXCLUDED.value_date, value_bool = EXCLUDED.value_bool,
                    updated_at = EXCLUDED.updated_at
                WHERE ({values}.value_text, {values}.value_number, {values}.value_date,
                       {values}.value_bool)
                   IS DISTINCT FROM (EXCLUDED.value_text, EXCLUDED.value_number,
                       EXCLUDED.value_date, EXCLUDED.value_bool)""",
                [account.pk, definition.pk, target, now, target],
            )
        cursor.execute(f"DROP TABLE {work}")
    _publish(account, changed, member_ids)
    return sourced_ids
