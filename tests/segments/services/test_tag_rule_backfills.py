"""Applying an auto-tag rule to past events runs as a job whose progress the tags page polls."""

from __future__ import annotations

from unittest import mock

import pytest

from segments.models import FriendTag, Tag, TagRule, TagRuleBackfill
from segments.services import tag_rules
from segments.tasks import backfill_tag_rule
from tests.conftest import client_for
from tests.segments.factories import FriendFactory, InteractionFactory

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def rule(account):
    tag = Tag.unscoped.create(account=account, name="ramen fan")
    rule = TagRule.unscoped.create(
        account=account, tag=tag, kind="keyword", match="contains", pattern="ramen"
    )
    for n in range(5):
        friend = FriendFactory(account=account)
        InteractionFactory(friend=friend, text="ramen tonight?" if n < 3 else "ramen? no")
        InteractionFactory(friend=friend, text="sushi")  # not a candidate: filtered in SQL
    return rule


@pytest.fixture
def url(account, rule):
    return f"/w/alpha/oa/{account.slug}/friends/tags/rules/{rule.pk}/backfill/"


@pytest.mark.django_db
def test_request_queues_one_job_and_the_fragment_polls_until_done(
    owner, rule, url, django_capture_on_commit_callbacks
):
    client = client_for(owner)
    with (
        mock.patch("segments.services.tag_rules.enqueue_best_effort", return_value=True) as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        queued = client.post(url, **HTMX)
        again = client.post(url, **HTMX)  # while it waits, the same job comes back
    job = TagRuleBackfill.unscoped.get(rule=rule)
    assert enqueue.call_count == 1 and enqueue.call_args.args[1] == (rule.pk, job.pk)
    for response in (queued, again):
        body = response.content.decode()
        assert 'hx-trigger="every 2s"' in body
        assert "Waiting for a worker" in body

    backfill_tag_rule(rule.pk, job.pk)  # what the worker runs

    job.refresh_from_db()
    assert (job.status, job.total, job.processed, job.tagged) == ("done", 5, 5, 5)
    body = client.get(url, **HTMX).content.decode()
    assert "every 2s" not in body
    assert "5 friends newly tagged from 5 events." in body
    page = client.get(url.split("rules/")[0]).content.decode()
    assert 'data-testid="backfill-done"' in page
    assert FriendTag.unscoped.filter(tag=rule.tag).count() == 5


@pytest.mark.django_db
def test_progress_is_written_while_the_scan_goes(rule, monkeypatch):
    job = TagRuleBackfill.unscoped.create(account=rule.account, rule=rule)
    seen: list[tuple[str, int, int]] = []
    real = tag_rules.rule_matches_interaction

    def spy(*args, **kwargs):
        row = TagRuleBackfill.unscoped.values_list("status", "processed", "total").get(pk=job.pk)
        seen.append(row)
        return real(*args, **kwargs)

    monkeypatch.setattr(tag_rules, "BACKFILL_CHUNK", 2)
    monkeypatch.setattr(tag_rules, "rule_matches_interaction", spy)
    assert tag_rules.tag_rule_backfill_run(rule=rule, job_id=job.pk) == 5
    # Total known before the scan; processed advances every chunk of 2 rows.
    assert seen == [
        ("running", 0, 5),
        ("running", 0, 5),
        ("running", 2, 5),
        ("running", 2, 5),
        ("running", 4, 5),
    ]


@pytest.mark.django_db
def test_broker_outage_fails_the_job_visibly(
    owner, rule, url, account, django_capture_on_commit_callbacks
):
    with (
        mock.patch("segments.services.tag_rules.enqueue_best_effort", return_value=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client_for(owner).post(url)
    job = TagRuleBackfill.unscoped.get(rule=rule)
    assert job.status == "failed"
    page = client_for(owner).get(f"/w/alpha/oa/{account.slug}/friends/tags/").content.decode()
    assert "The task queue is unavailable; try again in a minute." in page
    # A new request starts a fresh job.
    with (
        mock.patch("segments.services.tag_rules.enqueue_best_effort", return_value=True),
        django_capture_on_commit_callbacks(execute=True),
    ):
        client_for(owner).post(url)
    assert TagRuleBackfill.unscoped.filter(rule=rule).count() == 2


@pytest.mark.django_db
def test_redelivered_task_does_not_rerun_and_a_crash_is_recorded(rule, monkeypatch):
    job = TagRuleBackfill.unscoped.create(account=rule.account, rule=rule)
    assert backfill_tag_rule(rule.pk, job.pk) == 5
    FriendTag.unscoped.all().delete()
    assert backfill_tag_rule(rule.pk, job.pk) == 5  # done: reports, does not tag again
    assert not FriendTag.unscoped.exists()

    broken = TagRuleBackfill.unscoped.create(account=rule.account, rule=rule)

    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(tag_rules, "rule_matches_interaction", crash)
    with pytest.raises(RuntimeError):
        backfill_tag_rule(rule.pk, broken.pk)
    broken.refresh_from_db()
    assert broken.status == "failed" and broken.error == "RuntimeError: disk full"
    assert not FriendTag.unscoped.exists()


@pytest.mark.django_db
def test_viewer_sees_status_but_cannot_start(viewer, rule, url):
    client = client_for(viewer)
    assert client.post(url).status_code == 403
    status = client.get(url, **HTMX)
    assert status.status_code == 200 and 'data-testid="backfill-status"' in status.content.decode()
    # Without htmx (nothing polls then) the status is shown in the rule's row of the tags page.
    page = client.get(url)
    assert page.status_code == 302 and page["Location"] == url.split("rules/")[0]
    assert not TagRuleBackfill.unscoped.exists()
