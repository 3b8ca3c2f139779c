"""Journey rows: tenant scoping, version immutability, dedupe and version uniqueness."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from journeys.graph.context import CheckContext
from journeys.models import Enrolment, Journey, JourneyVersion, VersionImmutable
from journeys.starters import STARTERS
from oa_console.tenancy import TenantScopeMissing
from segments.models import AttributeDefinition, Tag
from tests.segments.factories import FriendFactory


@pytest.fixture
def journey(account):
    return Journey.unscoped.create(account=account, name="Cart", draft_graph={})


@pytest.fixture
def version(journey):
    return JourneyVersion.unscoped.create(
        account=journey.account, journey=journey, number=1, graph=STARTERS["birthday"].graph()
    )


def enrol(version, friend, dedupe_key=""):
    return Enrolment.unscoped.create(
        account=version.account,
        journey=version.journey,
        version=version,
        friend=friend,
        node_id="greeting",
        dedupe_key=dedupe_key,
        entered_at=timezone.now(),
    )


def test_reading_without_a_tenant_scope_fails_closed(journey):
    with pytest.raises(TenantScopeMissing):
        list(Journey.objects.all())
    assert list(Journey.objects.for_account(journey.account)) == [journey]


def test_tables_are_named_after_the_app():
    assert {Journey._meta.db_table, JourneyVersion._meta.db_table, Enrolment._meta.db_table} == {
        "journeys_journey",
        "journeys_journeyversion",
        "journeys_enrolment",
    }


def test_published_version_cannot_change(version):
    version.graph = {"nodes": {}}
    with pytest.raises(VersionImmutable):
        version.save()
    version.refresh_from_db()
    assert version.graph == STARTERS["birthday"].graph()


def test_version_numbers_unique_per_journey(version):
    with pytest.raises(IntegrityError), transaction.atomic():
        JourneyVersion.unscoped.create(
            account=version.account, journey=version.journey, number=1, graph={}
        )


def test_dedupe_key_once_per_journey_and_friend(account, version):
    friend = FriendFactory(account=account)
    enrol(version, friend, "cart-1")
    enrol(version, friend, "cart-2")
    enrol(version, FriendFactory(account=account), "cart-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        enrol(version, friend, "cart-1")
    assert Enrolment.unscoped.filter(friend=friend).count() == 2


def test_enrolments_without_dedupe_key_do_not_collide(account, version):
    friend = FriendFactory(account=account)
    enrol(version, friend)
    enrol(version, friend)
    assert Enrolment.unscoped.filter(friend=friend, dedupe_key="").count() == 2


def test_ended_only_when_finished(account, version):
    enrolment = enrol(version, FriendFactory(account=account))
    enrolment.ended_at = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        enrolment.save()
    enrolment.state = Enrolment.State.COMPLETED
    enrolment.save()


def test_check_context_reads_the_oas_tags_attributes_and_journeys(account, other_account, journey):
    Journey.unscoped.create(account=other_account, name="Theirs", draft_graph={})
    tag = Tag.unscoped.create(account=account, name="VIP")
    AttributeDefinition.unscoped.create(account=account, key="birthday", type="date")
    context = CheckContext.for_account(account, journey_id=journey.pk)
    assert context.rules.tag_ids == {tag.pk}
    assert context.unknown_tag(tag.pk) is False
    assert context.attribute_type("birthday") == "date"
    assert context.journey_ids == {journey.pk}
