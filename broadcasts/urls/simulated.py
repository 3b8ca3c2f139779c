"""The embedded demo's simulated LINE API (DEBUG only), mounted at the site root by string when
``BROADCASTS_SIMULATED_LINE`` is on, so the core's URLconf does not import the app."""

from django.urls import path

from broadcasts import simulated_line

urlpatterns = [
    path("simulated-line/<path:path>", simulated_line.simulated_line, name="simulated_line"),
]
