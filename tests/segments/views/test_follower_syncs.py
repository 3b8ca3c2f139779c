"""Follower sync from the OA settings page ("Sync now", polled progress, LINE's refusal) and the
API (start, progress, roles), against the fake LINE server."""

from __future__ import annotations

import pytest
from django.test import Client

from oa_console.roles import Role
from oa_console.services.api_keys import api_key_create
from segments.models import FollowerSync
from segments.tasks import refresh_friend_profiles, sync_followers
from tests.conftest import client_for, make_member
from tests.webhooks.factories import user_id

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def worker(monkeypatch):
    """The task runs where a worker would, right after the request's commit."""
    monkeypatch.setattr(
        sync_followers, "apply_async", lambda args, **kw: sync_followers.apply(args)
    )
    monkeypatch.setattr(refresh_friend_profiles, "apply_async", lambda args, **kw: None)


def _settings_url(account) -> str:
    return f"/w/alpha/oa/{account.slug}/settings/"


def _sync_url(account) -> str:
    return f"/w/alpha/oa/{account.slug}/friends/sync/"


def test_sync_now_reads_the_list_and_the_panel_reports_it(
    admin_user, account, fake_line, django_capture_on_commit_callbacks
):
    fake_line.followers = [user_id(n) for n in range(1, 8)]
    client = client_for(admin_user)
    page = client.get(_settings_url(account)).content.decode()
    assert "LINE's follower list has not been read yet." in page
    assert 'data-testid="follower-sync-now"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_sync_url(account))
    assert response.status_code == 302 and response["Location"] == _settings_url(account)
    job = FollowerSync.unscoped.get(account=account)
    assert (job.status, job.trigger, job.requested_by_id) == ("done", "manual", admin_user.pk)
    page = client.get(_settings_url(account)).content.decode()
    assert "7 followers listed, 7 friends added, 0 marked as no longer following." in page
    friends = client.get(f"/w/alpha/oa/{account.slug}/friends/").content.decode()
    assert user_id(3) in friends
    detail = client.get(f"/w/alpha/oa/{account.slug}/friends/{user_id(3)}/").content.decode()
    assert "LINE follower list" in detail and "In LINE's follower list on" in detail


def test_the_panel_polls_while_the_sync_is_going(admin_user, account):
    FollowerSync.unscoped.create(
        account=account, trigger="manual", status="waiting", pages_read=3, ids_seen=3000
    )
    body = client_for(admin_user).get(_sync_url(account), **HTMX).content.decode()
    assert 'hx-trigger="every 2s"' in body
    assert "3 pages read, 3,000 follower ids seen" in body
    assert "resumes where it stopped" in body
    FollowerSync.unscoped.update(status="done")
    body = client_for(admin_user).get(_sync_url(account), **HTMX).content.decode()
    assert "every 2s" not in body


def test_refusal_is_said_plainly_on_the_settings_page(
    owner, account, fake_line, django_capture_on_commit_callbacks
):
    fake_line.followers_refused = True
    client = client_for(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_sync_url(account))
    page = client.get(_settings_url(account)).content.decode()
    assert (
        "LINE lists friends only for verified or premium OAs; the console knows 0 friends" in page
    )
    assert "Access to this API is not available for your account" in page
    assert "Refused by LINE" in page


@pytest.mark.parametrize("role", [Role.MARKETER, Role.VIEWER])
def test_only_admins_and_owners_start_a_sync_from_the_page(workspace, account, role):
    client = client_for(make_member(workspace, role))
    assert client.post(_sync_url(account)).status_code == 403
    assert (
        'data-testid="follower-sync-now"' not in client.get(_settings_url(account)).content.decode()
    )
    assert not FollowerSync.unscoped.exists()


# API ---------------------------------------------------------------------------------------------


def _api_client(workspace, role: str) -> Client:
    _key, raw = api_key_create(workspace=workspace, name=f"{role} key", role=role)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_api_starts_a_sync_and_reports_its_progress(
    workspace, account, fake_line, django_capture_on_commit_callbacks
):
    fake_line.followers = [user_id(n) for n in range(1, 1502)]
    client = _api_client(workspace, Role.ADMIN)
    url = f"/api/v1/accounts/{account.pk}/followers/sync/"
    assert client.get(url).status_code == 404  # never synced
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url)
    assert started.status_code == 202
    assert started.json()["status"] == "queued" and started.json()["trigger"] == "api"
    progress = client.get(url).json()
    assert {k: progress[k] for k in ("status", "pages_read", "ids_seen", "friends_added")} == {
        "status": "done",
        "pages_read": 2,
        "ids_seen": 1501,
        "friends_added": 1501,
    }
    assert progress["friends_unfollowed"] == 0 and progress["finished_at"]
    detail = client.get(f"{url}{progress['id']}/")
    assert detail.status_code == 200 and detail.json()["id"] == progress["id"]


def test_api_answers_the_running_sync_instead_of_a_second(workspace, account, monkeypatch):
    monkeypatch.setattr(sync_followers, "apply_async", lambda args, **kw: None)
    client = _api_client(workspace, Role.OWNER)
    url = f"/api/v1/accounts/{account.pk}/followers/sync/"
    first = client.post(url)
    again = client.post(url)
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["id"] == first.json()["id"]


@pytest.mark.parametrize("role", [Role.MARKETER, Role.VIEWER])
def test_api_refuses_roles_below_admin(workspace, account, role):
    client = _api_client(workspace, role)
    assert client.post(f"/api/v1/accounts/{account.pk}/followers/sync/").status_code == 403
    assert not FollowerSync.unscoped.exists()


def test_api_refusal_is_in_the_job(
    workspace, account, fake_line, django_capture_on_commit_callbacks
):
    fake_line.followers_refused = True
    client = _api_client(workspace, Role.ADMIN)
    url = f"/api/v1/accounts/{account.pk}/followers/sync/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    body = client.get(url).json()
    assert body["status"] == "refused" and body["line_refused_at"]
    assert "verified or premium" in body["error"]


def test_the_api_docs_describe_the_follower_sync(db):
    schema = Client().get("/api/v1/schema/").content.decode()
    assert "/api/v1/accounts/{account_id}/followers/sync/" in schema
    assert "Read LINE's follower list into the OA's friends now (admins)" in schema
