"""render_page: a whitelisted htmx target gets its fragment, a named fragment wins for htmx only."""

from types import SimpleNamespace

from django.test import RequestFactory

from oa_console.views._render import render_page

TEMPLATE = "webhooks/event_raw.html"


def _request(*, htmx: bool, target: str | None = None):
    request = RequestFactory().get("/")
    request.htmx = SimpleNamespace(target=target) if htmx else False
    return request


def test_named_fragment_answers_any_htmx_target():
    response = render_page(
        _request(htmx=True, target="raw-42"), TEMPLATE, {"raw": "{}"}, fragment="raw"
    )
    assert response.status_code == 200
    assert response.content.decode().strip().startswith('<pre class="raw-json"')


def test_unlisted_target_without_named_fragment_is_refused():
    response = render_page(_request(htmx=True, target="raw-42"), TEMPLATE, {"raw": "{}"})
    assert response.status_code == 400
