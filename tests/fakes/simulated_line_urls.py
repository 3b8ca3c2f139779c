"""The console's URLs with the simulated LINE mounted, whatever the flag was when the root
URLconf was first imported (it mounts the simulator only if ``BROADCASTS_SIMULATED_LINE`` was
on at that moment, and a test process imports it once)."""

from django.urls import include, path

from oa_console.urls import urlpatterns as console_patterns

urlpatterns = [*console_patterns, path("", include("broadcasts.urls.simulated"))]
