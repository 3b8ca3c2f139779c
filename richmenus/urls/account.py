"""Rich menu pages of one OA, mounted at ``/w/<workspace>/oa/<account>/rich-menus/``: the list,
the design page and its edits, publishing, schedules and tab sets, the segment and tag menu
rules (``segments/``) and the taps per area (``taps/``)."""

from django.urls import path

from richmenus.views import design, design_edit, design_publish, taps, targeting

urlpatterns = [
    path("", design.rich_menu_list, name="account_rich_menus"),
    path("new/", design.rich_menu_new, name="rich_menu_new"),
    path(
        "default/cancel/",
        design_publish.rich_menu_default_cancel,
        name="rich_menu_default_cancel",
    ),
    path("tabs/new/", design_publish.rich_menu_tab_set_new, name="rich_menu_tab_set_new"),
    path(
        "tabs/<int:rich_menu_tab_set_id>/",
        design_publish.rich_menu_tab_set,
        name="rich_menu_tab_set",
    ),
    path("<int:rich_menu_id>/", design_edit.rich_menu_detail, name="rich_menu_detail"),
    path("<int:rich_menu_id>/edit/", design_edit.rich_menu_edit, name="rich_menu_edit"),
    path("<int:rich_menu_id>/image/", design.rich_menu_image, name="rich_menu_image"),
    path(
        "<int:rich_menu_id>/image/upload/",
        design_edit.rich_menu_image_upload,
        name="rich_menu_image_upload",
    ),
    path(
        "<int:rich_menu_id>/areas/add/", design_edit.rich_menu_area_add, name="rich_menu_area_add"
    ),
    path(
        "<int:rich_menu_id>/areas/edit/",
        design_edit.rich_menu_area_edit,
        name="rich_menu_area_edit",
    ),
    path(
        "<int:rich_menu_id>/areas/delete/",
        design_edit.rich_menu_area_delete,
        name="rich_menu_area_delete",
    ),
    path("<int:rich_menu_id>/publish/", design_publish.rich_menu_publish, name="rich_menu_publish"),
    path(
        "<int:rich_menu_id>/default/",
        design_publish.rich_menu_make_default,
        name="rich_menu_make_default",
    ),
    path("<int:rich_menu_id>/archive/", design_publish.rich_menu_archive, name="rich_menu_archive"),
    path("<int:rich_menu_id>/delete/", design_publish.rich_menu_remove, name="rich_menu_delete"),
    path(
        "<int:rich_menu_id>/schedules/",
        design_publish.rich_menu_schedule_add,
        name="rich_menu_schedule_add",
    ),
    path(
        "<int:rich_menu_id>/schedules/<int:rich_menu_schedule_id>/cancel/",
        design_publish.rich_menu_schedule_cancel,
        name="rich_menu_schedule_cancel",
    ),
    # Targeting: the segment and tag menu rules, and the taps per area.
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
