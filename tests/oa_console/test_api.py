"""The REST API foundation: bearer keys, session auth, scoping, error envelope, pagination."""

import pytest
from django.test import Client

from oa_console.models import ApiKey
from oa_console.roles import Role
from oa_console.services.api_keys import api_key_create, api_key_revoke
from oa_console.services.memberships import membership_set
from tests.conftest import client_for, make_member
from tests.factories import LineAccountFactory


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def raw_key(workspace):
    return api_key_create(workspace=workspace, name="BI export", role=Role.VIEWER)[1]


def test_list_shows_only_the_keys_workspace(raw_key, account, other_account):
    response = Client().get("/api/v1/accounts/", **bearer(raw_key))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [a["slug"] for a in body["results"]] == ["alpha-tokyo"]
    assert body["results"][0]["webhook_url"].endswith(f"/webhooks/line/{account.webhook_key}/")
    assert "channel_secret" not in body["results"][0] and "access_token" not in body["results"][0]


def test_detail_of_own_account(raw_key, account):
    response = Client().get(f"/api/v1/accounts/{account.pk}/", **bearer(raw_key))
    assert response.status_code == 200
    assert response.json()["display_name"] == "Alpha Tokyo"


def test_detail_of_other_tenant_is_404_with_envelope(raw_key, other_account):
    response = Client().get(f"/api/v1/accounts/{other_account.pk}/", **bearer(raw_key))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer oak_",
        "Bearer oak_abc",
        "Bearer oak_x_y",
        "Bearer not-a-key",
        "Bearer oak_a_b c",
    ],
)
def test_malformed_or_unknown_keys_are_401(header, account):
    response = Client().get("/api/v1/accounts/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "authentication_failed"
    assert error["message"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_revoked_key_is_refused(workspace, account):
    api_key, raw = api_key_create(workspace=workspace, name="old", role=Role.VIEWER)
    api_key_revoke(workspace=workspace, api_key_id=api_key.pk)
    assert Client().get("/api/v1/accounts/", **bearer(raw)).status_code == 401


def test_no_credentials_is_401(account):
    response = Client().get("/api/v1/accounts/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_key_use_is_recorded_and_only_hash_stored(workspace, raw_key, account):
    Client().get("/api/v1/accounts/", **bearer(raw_key))
    api_key = ApiKey.unscoped.get(workspace=workspace)
    assert api_key.last_used_at is not None
    assert raw_key not in {api_key.key_hash, api_key.prefix}
    assert len(api_key.key_hash) == 64


def test_session_user_sees_accounts_of_its_workspaces_only(
    owner, account, other_workspace, other_account
):
    client = client_for(owner)
    assert [a["slug"] for a in client.get("/api/v1/accounts/").json()["results"]] == ["alpha-tokyo"]
    membership_set(workspace=other_workspace, user=owner, role=Role.VIEWER)
    slugs = sorted(a["slug"] for a in client.get("/api/v1/accounts/").json()["results"])
    assert slugs == ["alpha-tokyo", "bravo-taipei"]


def test_session_client_login_sees_only_its_oa(workspace, account):
    LineAccountFactory(workspace=workspace, slug="alpha-osaka")
    client_user = make_member(
        workspace, Role.VIEWER, email="client@example.com", accounts=[account]
    )
    slugs = [a["slug"] for a in client_for(client_user).get("/api/v1/accounts/").json()["results"]]
    assert slugs == ["alpha-tokyo"]


def test_pagination(workspace, raw_key):
    for n in range(7):
        LineAccountFactory(workspace=workspace, slug=f"oa-page-{n}", display_name=f"OA {n}")
    first = Client().get("/api/v1/accounts/?page_size=5", **bearer(raw_key)).json()
    assert first["count"] == 7 and len(first["results"]) == 5 and first["next"]
    second = Client().get(first["next"], **bearer(raw_key)).json()
    assert len(second["results"]) == 2
    assert Client().get("/api/v1/accounts/?page=9", **bearer(raw_key)).status_code == 404


def test_schema_and_docs_are_served(db):
    schema = Client().get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/accounts/" in schema.content
    docs = Client().get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()


def test_a_body_django_refuses_to_read_answers_the_envelope(workspace, account, settings):
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE was Django's HTML 400 page (found by
    schemathesis, with a form body of too many fields); it is the API's 400 envelope, naming
    the limit. A form body is refused before that: the API reads JSON only (415)."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    raw = api_key_create(workspace=workspace, name="owner", role=Role.OWNER)[1]
    url = f"/api/v1/accounts/{account.pk}/events/"
    response = Client().post(
        url, '{"events": ["' + "x" * 200 + '"]}', content_type="application/json", **bearer(raw)
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "parse_error"
    assert "at most 100 bytes" in error["message"]
    form = "&".join(f"f{n}=x" for n in range(11))
    response = Client().post(
        url, form, content_type="application/x-www-form-urlencoded", **bearer(raw)
    )
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
