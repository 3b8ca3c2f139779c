"""The schema document's view: drf-spectacular's, with its errors in JSON.

``/api/v1/schema/?format=<name>`` picks a renderer (YAML by default, ``format=json`` for
JSON). A name no renderer has is a 404, which DRF renders with the view's first renderer:
the error envelope came back as YAML. Every other API error is JSON, so this one is too.
"""

from __future__ import annotations

from drf_spectacular.views import SpectacularAPIView


class SchemaView(SpectacularAPIView):
    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force=False)
        except Exception:
            if not force:
                raise
            json_renderer = next(
                (r for r in self.get_renderers() if r.format == "json"), self.get_renderers()[0]
            )
            return json_renderer, json_renderer.media_type
