from django.apps import AppConfig


class LiffFormsConfig(AppConfig):
    name = "liff_forms"
