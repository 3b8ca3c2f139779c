"""render_page: a whitelisted htmx target gets its fragment, a named fragment wins for htmx only,
and ``also`` appends out-of-band partials to a fragment answer."""

from types import SimpleNamespace

import pytest
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


BUILDER = "segments/segment_builder.html"
TENANT = {
    "current_workspace": SimpleNamespace(slug="alpha"),
    "current_account": SimpleNamespace(slug="oa"),
}
SLOTS = {"preview": {"invalid": True}, "slots": [("n-0", "Too old."), ("n-1", "")], **TENANT}


@pytest.mark.parametrize(
    ("target", "named"), [("segment-preview", None), ("rule-7", "segment-preview")]
)
def test_also_appends_its_partials_after_the_fragment(target, named):
    response = render_page(
        _request(htmx=True, target=target),
        BUILDER,
        SLOTS,
        partials=["segment-preview"],
        fragment=named,
        also=["rule-errors"],
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.strip().startswith('<aside id="segment-preview"')
    first = body.index('<small id="error-n-0" class="field-error" role="alert" hx-swap-oob="true">')
    assert first > body.index("</aside>")
    assert "Too old.</small>" in body[first:]
    assert (
        '<small id="error-n-1" class="field-error" role="alert" hx-swap-oob="true"></small>' in body
    )


def test_also_does_not_open_an_unlisted_target():
    response = render_page(
        _request(htmx=True, target="rule-errors"),
        BUILDER,
        SLOTS,
        partials=["segment-preview"],
        also=["rule-errors"],
    )
    assert response.status_code == 400
