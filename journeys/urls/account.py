"""Journey pages of one OA, mounted at ``/w/<workspace>/oa/<account>/journeys/``.

Two lists: ``page_patterns`` (lists, new, detail and its actions, enrolments, webhook secrets)
and ``builder_patterns`` (the builder and its edits, from journeys/views/builder*.py).
"""

from django.urls import path

from journeys.demo.views import demo_patterns
from journeys.views import (
    actions,
    builder,
    builder_nodes,
    builder_parts,
    detail,
    enrolments,
    lists,
    new,
    secrets,
)

page_patterns = [
    path("", lists.journey_list, name="account_journeys"),
    path("new/", new.journey_new, name="journey_new"),
    path("secrets/", secrets.secret_list, name="journey_secrets"),
    path("secrets/<int:secret_id>/delete/", secrets.secret_delete, name="journey_secret_delete"),
    path("<int:journey_id>/", detail.journey_detail, name="journey_detail"),
    path("<int:journey_id>/enrolments/", enrolments.enrolment_list, name="journey_enrolments"),
    path("<int:journey_id>/submit/", actions.journey_submit, name="journey_submit"),
    path("<int:journey_id>/activate/", actions.journey_activate, name="journey_activate"),
    path("<int:journey_id>/pause/", actions.journey_pause, name="journey_pause"),
    path("<int:journey_id>/resume/", actions.journey_resume, name="journey_resume"),
    path("<int:journey_id>/archive/", actions.journey_archive, name="journey_archive"),
    path("<int:journey_id>/delete/", actions.journey_delete, name="journey_delete"),
    path("<int:journey_id>/copy/", actions.journey_copy, name="journey_copy"),
    path("<int:journey_id>/test/", actions.journey_test, name="journey_test"),
]

# The builder's patterns (journey_builder and its edits) join here.
builder_patterns = [
    path("<int:journey_id>/edit/", builder.journey_builder, name="journey_builder"),
    path(
        "<int:journey_id>/edit/trigger/",
        builder_parts.trigger_edit,
        name="journey_builder_trigger",
    ),
    path("<int:journey_id>/edit/entry/", builder_parts.entry_edit, name="journey_builder_entry"),
    path("<int:journey_id>/edit/goal/", builder_parts.goal_edit, name="journey_builder_goal"),
    path(
        "<int:journey_id>/edit/steps/add/",
        builder_nodes.node_add,
        name="journey_builder_node_add",
    ),
    path(
        "<int:journey_id>/edit/steps/<slug:node_id>/",
        builder_nodes.node_edit,
        name="journey_builder_node",
    ),
    path(
        "<int:journey_id>/edit/steps/<slug:node_id>/paths/",
        builder_nodes.node_connect_view,
        name="journey_builder_connect",
    ),
    path(
        "<int:journey_id>/edit/steps/<slug:node_id>/delete/",
        builder_nodes.node_delete_view,
        name="journey_builder_node_delete",
    ),
]

# The embedded demo's "abandon a cart" button (404 outside ``make run``).
urlpatterns = page_patterns + builder_patterns + demo_patterns
