"""Rich menus' URLs outside any workspace, mounted at the site root: the click redirect of
menu link areas (the friend has no console session)."""

from django.urls import path

from richmenus.views import taps_redirect

urlpatterns = [
    # Beside broadcasts' r/<token> and journeys' r/j/<token>: a token never holds "/".
    path("r/m/<str:token>", taps_redirect.rich_menu_area_click, name="rich_menu_area_click"),
]
