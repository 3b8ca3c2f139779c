from django.apps import AppConfig

from oa_console.activity.registry import FROM_BEGINNING, register
from oa_console.demo import register_demo_step


class InboxConfig(AppConfig):
    name = "inbox"

    def ready(self) -> None:
        # The activity hub: friends' messages and postbacks become conversation messages. From
        # the log's beginning, so the messages received before the inbox existed are there.
        from inbox.services import ingestion

        register(
            ingestion.SUBSCRIBER,
            ingestion.KINDS,
            ingestion.inbox_messages_react,
            start=FROM_BEGINNING,
        )

        # Personal-data requests: a friend's chat is exported with the rest, and erased.
        from inbox.personal_data import register_personal_data

        register_personal_data()

        # The demo's conversations (seed_demo), after the CRM's friends.
        from inbox.demo import DEMO_ORDER, seed_chats, team
        from inbox.demo.media import DEMO_ORDER as MEDIA_DEMO_ORDER
        from inbox.demo.media import seed_chat_media

        register_demo_step(DEMO_ORDER, seed_chats)
        register_demo_step(team.DEMO_ORDER, team.seed_team)
        register_demo_step(MEDIA_DEMO_ORDER, seed_chat_media)
        from inbox.demo.saved_replies import DEMO_ORDER as REPLIES_ORDER
        from inbox.demo.saved_replies import seed_saved_replies

        register_demo_step(REPLIES_ORDER, seed_saved_replies)
