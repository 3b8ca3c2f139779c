"""Rich menus' URL outside any workspace, mounted at the site root: the click redirect of a
menu's links (friends open it from LINE, without a console session)."""

from django.urls import path

from richmenus.views import design_clicks

urlpatterns = [
    # Beside broadcasts' r/<token> and journeys' r/j/<token>: a token never holds "/".
    path("r/m/<str:token>", design_clicks.rich_menu_click_redirect, name="rich_menu_click"),
]
