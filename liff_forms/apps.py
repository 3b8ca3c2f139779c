from django.apps import AppConfig

from oa_console.demo import register_demo_step


class LiffFormsConfig(AppConfig):
    name = "liff_forms"
    verbose_name = "Forms"

    def ready(self) -> None:
        # Personal-data requests: a friend's form answers are exported with the rest, and erased.
        from liff_forms.personal_data import register_personal_data

        register_personal_data()

        # The demo's survey per OA, answered by demo friends (seed_demo).
        from liff_forms.demo import DEMO_ORDER, seed_forms

        register_demo_step(DEMO_ORDER, seed_forms)
