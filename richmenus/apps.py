from django.apps import AppConfig

from oa_console.activity.registry import FROM_NOW, register
from oa_console.demo import register_demo_step


class RichMenusConfig(AppConfig):
    name = "richmenus"

    def ready(self) -> None:
        # The demo's tabbed default menu of each OA (seed_demo), after the CRM's friends.
        from richmenus.demo.design import DEMO_ORDER, seed_rich_menus

        register_demo_step(DEMO_ORDER, seed_rich_menus)

        # Targeting (rmtarget): the activity hub keeps each friend's segment / tag menu current
        # and counts postback taps. From now: the past's activities were applied by the first
        # assignment, which reads today's segments.
        import richmenus.targeting_tasks  # noqa: F401 (registers the Celery tasks)
        from richmenus import subscribers

        register(
            subscribers.SUBSCRIBER,
            subscribers.KINDS,
            subscribers.rich_menus_react,
            start=FROM_NOW,
        )

        # The demo's segment menu for gold members, after the CRM's friends and segments.
        from richmenus.demo import targeting as demo_targeting

        register_demo_step(demo_targeting.DEMO_ORDER, demo_targeting.seed_rich_menu_targeting)
