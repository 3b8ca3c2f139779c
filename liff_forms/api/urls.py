"""The forms API's routes, under ``/api/v1/accounts/<account_id>/``."""

from django.urls import path

from liff_forms.api.forms import FormAnswersApi, FormDetailApi, FormListApi

urlpatterns = [
    path("forms/", FormListApi.as_view(), name="api_form_list"),
    path("forms/<int:form_id>/", FormDetailApi.as_view(), name="api_form_detail"),
    path("forms/<int:form_id>/answers/", FormAnswersApi.as_view(), name="api_form_answers"),
]
