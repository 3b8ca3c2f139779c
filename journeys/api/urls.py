"""Journeys' API, included by the API root under ``accounts/<account_id>/``."""

from django.urls import path

from journeys.api import actions, enrolments, item_events, journeys

urlpatterns = [
    path("journeys/", journeys.JourneyListApi.as_view(), name="api_journeys"),
    path(
        "journeys/<int:journey_id>/",
        journeys.JourneyDetailApi.as_view(),
        name="api_journey_detail",
    ),
    *[
        path(f"journeys/<int:journey_id>/{name}/", view.as_view(), name=f"api_journey_{name}")
        for name, view in (
            ("submit", actions.JourneySubmitApi),
            ("activate", actions.JourneyActivateApi),
            ("pause", actions.JourneyPauseApi),
            ("resume", actions.JourneyResumeApi),
            ("archive", actions.JourneyArchiveApi),
            ("copy", actions.JourneyCopyApi),
            ("enrol", enrolments.JourneyEnrolApi),
            ("enrolments", enrolments.JourneyEnrolmentsApi),
        )
    ],
    path("item-events/", item_events.ItemEventsApi.as_view(), name="api_item_events"),
]
