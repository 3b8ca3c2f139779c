"""Rich menus' API routes, under ``/api/v1/accounts/<account_id>/rich-menus/``: targeting
(segment and tag rules, assignments, taps)."""

from django.urls import path

from richmenus.api.targeting import (
    AssignmentDetailApi,
    AssignmentStartApi,
    SegmentRuleDetailApi,
    SegmentRuleListApi,
    TapsApi,
)

urlpatterns = [
    path("segment-rules/", SegmentRuleListApi.as_view(), name="api_rich_menu_rule_list"),
    path(
        "segment-rules/<int:menu_rule_id>/",
        SegmentRuleDetailApi.as_view(),
        name="api_rich_menu_rule_detail",
    ),
    path(
        "segment-rules/assignments/",
        AssignmentStartApi.as_view(),
        name="api_rich_menu_assignment_start",
    ),
    path(
        "segment-rules/assignments/<int:assignment_id>/",
        AssignmentDetailApi.as_view(),
        name="api_rich_menu_assignment",
    ),
    path("taps/", TapsApi.as_view(), name="api_rich_menu_taps"),
]
