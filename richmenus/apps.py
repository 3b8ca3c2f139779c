from django.apps import AppConfig


class RichMenusConfig(AppConfig):
    name = "richmenus"
