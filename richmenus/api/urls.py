"""Rich menus API routes, mounted by oa_console/api/urls.py at ``accounts/<account_id>/``."""

from django.urls import path

from richmenus.api import menus, publishing

urlpatterns = [
    path("rich-menus/", menus.RichMenuListApi.as_view(), name="api_rich_menu_list"),
    path(
        "rich-menus/default/",
        publishing.RichMenuDefaultCancelApi.as_view(),
        name="api_rich_menu_default_cancel",
    ),
    path(
        "rich-menus/tabs/",
        publishing.RichMenuTabSetListApi.as_view(),
        name="api_rich_menu_tab_sets",
    ),
    path(
        "rich-menus/tabs/<int:rich_menu_tab_set_id>/publish/",
        publishing.RichMenuTabSetPublishApi.as_view(),
        name="api_rich_menu_tab_set_publish",
    ),
    path(
        "rich-menus/<int:rich_menu_id>/",
        menus.RichMenuDetailApi.as_view(),
        name="api_rich_menu_detail",
    ),
    path(
        "rich-menus/<int:rich_menu_id>/image/",
        menus.RichMenuImageApi.as_view(),
        name="api_rich_menu_image",
    ),
    path(
        "rich-menus/<int:rich_menu_id>/publish/",
        publishing.RichMenuPublishApi.as_view(),
        name="api_rich_menu_publish",
    ),
    path(
        "rich-menus/<int:rich_menu_id>/default/",
        publishing.RichMenuDefaultApi.as_view(),
        name="api_rich_menu_default",
    ),
    path(
        "rich-menus/<int:rich_menu_id>/archive/",
        publishing.RichMenuArchiveApi.as_view(),
        name="api_rich_menu_archive",
    ),
    path(
        "rich-menus/<int:rich_menu_id>/schedules/",
        publishing.RichMenuScheduleApi.as_view(),
        name="api_rich_menu_schedules",
    ),
]
