"""Rich menu targeting pages of one OA, mounted at ``/w/<workspace>/oa/<account>/rich-menus/``
beside the designer's pages: the segment and tag menu rules (``segments/``) and the taps."""

from django.urls import path

from richmenus.views import taps, targeting

urlpatterns = [
    path("segments/", targeting.rich_menu_rules, name="rich_menu_rules"),
    path("segments/new/", targeting.rich_menu_rule_new, name="rich_menu_rule_new"),
    path("segments/apply/", targeting.rich_menu_rules_apply, name="rich_menu_rules_apply"),
    path("segments/<int:menu_rule_id>/", targeting.rich_menu_rule_edit, name="rich_menu_rule_edit"),
    path(
        "segments/<int:menu_rule_id>/delete/",
        targeting.rich_menu_rule_remove,
        name="rich_menu_rule_delete",
    ),
    path("taps/", taps.rich_menu_taps, name="rich_menu_taps"),
]
