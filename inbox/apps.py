from django.apps import AppConfig

from oa_console.activity.registry import FROM_BEGINNING, FROM_NOW, register
from oa_console.demo import register_demo_step


class InboxConfig(AppConfig):
    name = "inbox"

    def ready(self) -> None:
        # Coupons' figures count the coupon messages inbox sent (coupons.sent).
        from inbox import coupon_counts

        coupon_counts.register()

        # Auto-replies answer first: drained ahead of every other subscriber, in a transaction
        # of their own, so the answer leaves without waiting for the rest of the hub's work.
        from inbox.autoreplies import answering

        register(
            answering.SUBSCRIBER,
            answering.KINDS,
            answering.auto_replies_react,
            start=FROM_NOW,
            ahead=True,
        )
        # In each Celery pool process, auto-replies go from a sender thread: the webhook task
        # does not wait for LINE's answers before its next batch (inbox.autoreplies.sender).
        # A pool process replaced or stopped lets its sender thread finish first.
        from celery.signals import worker_process_init, worker_process_shutdown

        from inbox.autoreplies.sender import auto_replies_send_before_exit, send_in_background

        worker_process_init.connect(lambda **kwargs: send_in_background(), weak=False)
        worker_process_shutdown.connect(
            lambda **kwargs: auto_replies_send_before_exit(), weak=False
        )

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

        # The demo's conversations (seed_demo), after the CRM's friends, then what the team
        # made of them: saved replies, assignments and notes, media, auto-reply rules, and the
        # chats those rules answered.
        from inbox.demo import DEMO_ORDER, seed_chats, team
        from inbox.demo import auto_replies as demo_auto_replies
        from inbox.demo import auto_reply_history as demo_auto_reply_history
        from inbox.demo import media as demo_media
        from inbox.demo import saved_replies as demo_saved_replies

        register_demo_step(DEMO_ORDER, seed_chats)
        register_demo_step(demo_saved_replies.DEMO_ORDER, demo_saved_replies.seed_saved_replies)
        register_demo_step(team.DEMO_ORDER, team.seed_team)
        register_demo_step(demo_media.DEMO_ORDER, demo_media.seed_chat_media)
        register_demo_step(demo_auto_replies.DEMO_ORDER, demo_auto_replies.seed_auto_replies)
        register_demo_step(
            demo_auto_reply_history.DEMO_ORDER, demo_auto_reply_history.seed_auto_reply_history
        )
