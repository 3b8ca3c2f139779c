from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"

    def ready(self) -> None:
        # The broadcast composer shows LINE's target reach beside the friends the console knows.
        from broadcasts.composer import register_target_reach
        from insights.selectors import target_reach_latest

        register_target_reach(lambda account: target_reach_latest(account=account))
