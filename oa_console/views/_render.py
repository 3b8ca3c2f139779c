"""One view per page renders the full page or, for htmx, one whitelisted fragment of it."""

from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string


def render_page(
    request: HttpRequest,
    template_name: str,
    context: dict,
    *,
    partials: Iterable[str] = (),
    fragment: str | None = None,
    also: Iterable[str] = (),
) -> HttpResponse:
    """Render ``template_name``; an htmx request targeting a whitelisted element id gets only
    the ``{% partialdef %}`` of that name, so the fragment and the page can never drift apart.
    A target outside the whitelist is refused rather than guessed.

    ``fragment`` names the one partial every htmx request to this view gets, whatever its
    target: for a link whose target id differs per row (``#raw-<pk>``), where the id cannot
    be whitelisted. The name comes from the view, never from the request.

    ``also`` names partials appended, in order and with the same context, after the fragment of
    an htmx answer: out-of-band swaps (``hx-swap-oob``) that update other parts of the page in
    the same response. The full page already holds them, so it never gets them twice."""
    is_htmx = bool(getattr(request, "htmx", False))
    if fragment is not None and is_htmx:
        return _fragments(request, template_name, context, [fragment, *also])
    target = request.htmx.target if is_htmx else None
    if target:
        if target not in set(partials):
            return HttpResponseBadRequest(b"Unknown fragment.")
        return _fragments(request, template_name, context, [target, *also])
    return render(request, template_name, context)


def _fragments(
    request: HttpRequest, template_name: str, context: dict, names: list[str]
) -> HttpResponse:
    """The named partials of ``template_name``, one after the other, as one response."""
    return HttpResponse(
        "".join(render_to_string(f"{template_name}#{name}", context, request) for name in names)
    )
