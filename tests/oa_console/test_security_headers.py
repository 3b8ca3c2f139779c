"""Security headers (issue 14, defect 12): HSTS behind HTTPS, the Content-Security-Policy,
no-store on the page that shows a new API key, and the headers Django adds."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from oa_console.security import remote_image_pages
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def test_every_page_has_the_content_security_policy(owner_client, workspace):
    response = owner_client.get(
        reverse("workspace_home", kwargs={"workspace_slug": workspace.slug})
    )
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"], "no inline script, no eval, no other host"
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["img-src"] == [
        "'self'",
        "data:",
        "https://profile.line-scdn.net",
        "https://obs.line-scdn.net",
        "https://stickershop.line-scdn.net",
    ]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]


def test_the_login_page_and_the_api_have_it_too():
    assert "default-src 'self'" in Client().get(reverse("login"))["Content-Security-Policy"]
    assert "default-src 'self'" in Client().get("/api/v1/docs/")["Content-Security-Policy"]


def test_broadcast_pages_may_show_the_marketers_https_images(owner_client, account):
    assert {"broadcast_new", "broadcast_detail", "broadcast_edit"} <= remote_image_pages()
    kwargs = {"workspace_slug": account.workspace.slug, "account_slug": account.slug}
    composer = owner_client.get(reverse("broadcast_new", kwargs=kwargs))
    assert composer.status_code == 200
    assert "https:" in _policy(composer)["img-src"]
    assert _policy(composer)["script-src"] == ["'self'"]
    other = owner_client.get(reverse("account_broadcasts", kwargs=kwargs))
    assert "https:" not in _policy(other)["img-src"]


def test_hsts_on_https_only(client, settings):
    assert settings.SECURE_HSTS_SECONDS == 31_536_000
    secure = client.get(reverse("login"), secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in client.get(reverse("login"))


def test_behind_the_proxy_https_is_recognised_from_x_forwarded_proto(client):
    response = client.get(reverse("login"), headers={"x-forwarded-proto": "https"})
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_plain_http_is_redirected_when_asked_except_the_healthcheck(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(reverse("login"))
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert client.get("/healthz").status_code in (200, 503)


def test_the_other_headers(client):
    response = client.get(reverse("login"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_the_page_showing_a_new_api_key_is_never_stored(owner, workspace):
    client = client_for(owner)
    url = reverse("api_key_list", kwargs={"workspace_slug": workspace.slug})
    created = client.post(url, {"name": "CI", "role": "viewer"})
    assert created.status_code == 200
    assert 'class="secret-once"' in created.content.decode()
    assert "no-store" in created["Cache-Control"]
    assert "no-store" in client.get(url)["Cache-Control"]


class _Scripts(HTMLParser):
    """Inline scripts that would run, and event-handler attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and "src" not in names and names.get("type") != "application/json":
            self.problems.append(f"<script> without src ({self.getpos()[0]})")
        self.problems += [
            f"{name}= handler ({self.getpos()[0]})"
            for name in names
            if re.fullmatch(r"on\w+", name)
        ]


def test_no_template_runs_inline_script():
    """The policy refuses inline code; a template that adds some would break in the browser
    only. json_script data blocks are fine."""
    problems = []
    for template in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        parser = _Scripts()
        parser.feed(template.read_text())
        problems += [f"{template.relative_to(ROOT)}: {p}" for p in parser.problems]
    assert problems == []


def test_the_api_docs_page_runs_no_inline_script():
    parser = _Scripts()
    parser.feed(Client().get("/api/v1/docs/").content.decode())
    assert parser.problems == []
