"""Broadcast URLs outside any workspace, mounted at the site root: tracked link redirects (the
friend has no console session) and uploaded images (LINE fetches them)."""

from django.urls import path

from broadcasts.views import clicks, media

urlpatterns = [
    path("r/<str:token>", clicks.click_redirect, name="broadcast_click"),
    # Images uploaded for broadcasts, at MEDIA_URL ("/media/") + their storage name.
    path("media/broadcasts/<path:name>", media.broadcast_image, name="broadcast_image"),
]
