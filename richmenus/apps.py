from django.apps import AppConfig

from oa_console.demo import register_demo_step


class RichMenusConfig(AppConfig):
    name = "richmenus"

    def ready(self) -> None:
        # The demo's tabbed default menu of each OA (seed_demo), after the CRM's friends.
        from richmenus.demo.design import DEMO_ORDER, seed_rich_menus

        register_demo_step(DEMO_ORDER, seed_rich_menus)
