"""Rich menu pages of one OA, mounted at ``/w/<workspace>/oa/<account>/rich-menus/``: the list,
the design page and its edits, publishing, schedules and tab sets."""

from django.urls import path

from richmenus.views import design, design_edit, design_publish

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
]
