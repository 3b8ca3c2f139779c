"""The forms' public LIFF pages (no login), mounted at the site root: ``liff/<key>/``."""

from django.urls import path

from liff_forms.views import public

urlpatterns = [
    path("liff/<str:form_key>/", public.liff_form, name="liff_form"),
]
