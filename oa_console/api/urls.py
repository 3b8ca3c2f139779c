from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from oa_console.api.accounts import AccountDetailApi, AccountListApi

urlpatterns = [
    path("accounts/", AccountListApi.as_view(), name="api_account_list"),
    path("accounts/<int:account_id>/", AccountDetailApi.as_view(), name="api_account_detail"),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("docs/", SpectacularRedocView.as_view(url_name="api_schema"), name="api_docs"),
]
