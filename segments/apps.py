from django.apps import AppConfig

from oa_console.activity.registry import FROM_BEGINNING, register
from oa_console.demo import register_demo_step


class SegmentsConfig(AppConfig):
    name = "segments"

    def ready(self) -> None:
        # A newly connected OA reads LINE's follower list at once.
        from oa_console.services.line_accounts import on_account_connected
        from segments.services.follower_syncs import follower_sync_on_connect

        on_account_connected(follower_sync_on_connect)

        # Personal-data requests: segments' own part (the friend row goes last).
        from segments.personal_data.registry import register_provider
        from segments.personal_data.segments_provider import PROVIDER

        register_provider(PROVIDER)

        # The demo: the CRM after the imports, and every follower of LINE's list (as many as
        # the Insights target reach) after the broadcasts.
        from segments.demo.crm import seed_crm
        from segments.demo.followers import seed_follower_sync

        register_demo_step(30, seed_crm)
        register_demo_step(50, seed_follower_sync)

        # The activity hub's subscribers: campaign attribution (first, so the add-friend source it
        # sets is auto-tagged in the same drain), auto-tag rules and one-time link codes react to
        # friends' activity (from the log's beginning: it starts empty when the hub is deployed).
        from segments.services import campaigns, friend_links, tag_rule_reactions

        register(
            campaigns.SUBSCRIBER,
            campaigns.KINDS,
            campaigns.campaign_follows_react,
            start=FROM_BEGINNING,
        )
        register(
            tag_rule_reactions.SUBSCRIBER,
            tag_rule_reactions.KINDS,
            tag_rule_reactions.tag_rules_react,
            start=FROM_BEGINNING,
        )
        register(
            friend_links.SUBSCRIBER,
            friend_links.KINDS,
            friend_links.friend_link_codes_react,
            start=FROM_BEGINNING,
        )
