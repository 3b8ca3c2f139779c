from django.apps import AppConfig

from oa_console.activity.registry import FROM_NOW, register


class RichMenusConfig(AppConfig):
    name = "richmenus"

    def ready(self) -> None:
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
