"""The root URLconf with the demo's patterns mounted where the integration mounts them (with
the OA's journey pages), for the demo button's tests."""

from django.urls import include, path

from journeys.demo.views import demo_patterns
from oa_console.urls import urlpatterns as root_patterns

urlpatterns = [
    path("w/<slug:workspace_slug>/oa/<slug:account_slug>/journeys/", include(demo_patterns)),
    *root_patterns,
]
