from django.apps import AppConfig

from oa_console.demo import register_demo_step


class CouponsConfig(AppConfig):
    name = "coupons"

    def ready(self) -> None:
        # The demo's two coupons per OA (seed_demo), after the CRM and before the broadcasts.
        from coupons.demo import DEMO_ORDER, seed_coupons

        register_demo_step(DEMO_ORDER, seed_coupons)
