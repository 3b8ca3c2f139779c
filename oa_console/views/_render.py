"""One view per page renders the full page or, for htmx, one whitelisted fragment of it."""

from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render


def render_page(
    request: HttpRequest,
    template_name: str,
    context: dict,
    *,
    partials: Iterable[str] = (),
    fragment: str | None = None,
) -> HttpResponse:
    """Render ``template_name``; an htmx request targeting a whitelisted element id gets only
    the ``{% partialdef %}`` of that name, so the fragment and the page can never drift apart.
    A target outside the whitelist is refused rather than guessed.

    ``fragment`` names the one partial every htmx request to this view gets, whatever its
    target: for a link whose target id differs per row (``#raw-<pk>``), where the id cannot
    be whitelisted. The name comes from the view, never from the request."""
    is_htmx = bool(getattr(request, "htmx", False))
    if fragment is not None and is_htmx:
        return render(request, f"{template_name}#{fragment}", context)
    target = request.htmx.target if is_htmx else None
    if target:
        if target not in set(partials):
            return HttpResponseBadRequest(b"Unknown fragment.")
        return render(request, f"{template_name}#{target}", context)
    return render(request, template_name, context)
