"""SendingRules moved from broadcasts to segments without touching its table: an OA's saved
cap and quiet hours survive the upgrade, and a fresh database ends with the same table."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from segments.models import SendingRules
from segments.services.sending_rules import quiet_hours_end, sending_rules_get

BEFORE = [("segments", "0011_personal_data"), ("broadcasts", "0015_planning_attempts")]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _leaves() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_rules_survive_migrating_back_and_forward_again(account, other_account):
    """One round trip (each direction migrates most of the project: seconds): a row saved
    before migrating back is still there in the old model, a row saved in the old model is
    there after the move, and the OneToOne keeps its accessor."""
    SendingRules.objects.for_account(account).create(account=account, cap_messages=5)

    executor = _migrate(BEFORE)

    old_state = executor.loader.project_state(BEFORE)
    assert ("broadcasts", "sendingrules") in old_state.models
    assert ("segments", "sendingrules") not in old_state.models
    OldRules = old_state.apps.get_model("broadcasts", "SendingRules")
    assert OldRules.objects.get(account_id=account.pk).cap_messages == 5
    OldRules.objects.create(
        account_id=other_account.pk,
        cap_enabled=True,
        cap_messages=4,
        cap_days=3,
        quiet_enabled=True,
        quiet_start=time(21, 30),
        quiet_end=time(7, 0),
        use_aggregation_units=False,
    )

    executor = _migrate(_leaves())

    new_state = executor.loader.project_state(_leaves())
    assert ("broadcasts", "sendingrules") not in new_state.models
    assert ("segments", "sendingrules") in new_state.models
    assert sending_rules_get(account=account).cap_messages == 5
    rules = sending_rules_get(account=other_account)
    assert (rules.cap_messages, rules.cap_days, rules.quiet_start) == (4, 3, time(21, 30))
    assert rules.use_aggregation_units is False
    assert other_account.sending_rules == rules  # the OneToOne keeps its accessor


@pytest.mark.django_db
def test_a_fresh_database_has_the_table_with_its_constraint(account):
    """The test database was migrated from nothing: the model reads the table broadcasts 0001
    created, and the database still refuses a cap of zero messages."""
    assert SendingRules._meta.db_table == "broadcasts_sendingrules"
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "broadcasts_sendingrules")
    assert "sending_cap_valid" in constraints
    SendingRules.objects.for_account(account).create(
        account=account, quiet_start=time(22, 0), quiet_end=time(8, 0)
    )
    assert quiet_hours_end(account=account, moment=_at(account, 23)) is not None


def _at(account, hour: int) -> datetime:
    return datetime(2026, 3, 2, hour, tzinfo=zoneinfo.ZoneInfo(account.time_zone))
