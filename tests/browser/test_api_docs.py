"""The API documentation page works offline: every file it asks for comes from the console,
and it shows every operation of the schema."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client

pytestmark = [
    pytest.mark.browser,
    pytest.mark.browser_db_neutral,
    pytest.mark.django_db(transaction=True),
]


def test_docs_page_requests_nothing_from_another_host(page, live_server):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    schema = Client().get("/api/v1/schema/?format=json").json()
    operations = sum(
        1
        for item in schema["paths"].values()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    )

    page.goto("/api/v1/docs/")
    page.wait_for_selector(".opblock-summary", timeout=20_000)
    page.wait_for_load_state("networkidle")

    assert page.locator(".opblock").count() == operations
    page.locator(".opblock-summary").first.click()
    page.wait_for_selector(".opblock-description-wrapper", timeout=5_000)
    assert "Who may call it" in page.locator(".opblock-description-wrapper").first.inner_text()
    local = urlsplit(live_server.url).netloc
    outside = [
        url
        for url in requested
        if not url.startswith(("data:", "blob:")) and urlsplit(url).netloc != local
    ]
    assert requested and outside == []
    assert page.js_errors == []
