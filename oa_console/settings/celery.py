"""Celery: the broker, how tasks are acknowledged and serialised, and the beat schedule."""

from celery.schedules import crontab

from oa_console.settings.base import VAR_DIR, env

# Celery: the default broker is a folder on disk, which needs no server and still runs a real
# worker and beat. Production and CI set CELERY_BROKER_URL to Redis.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery-broker"
    for _sub in ("out", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A pool process whose peak resident memory passed this many KiB is replaced by a fresh fork of
# the main process once its task has finished. The main process holds the imported code
# (shared, see oa_console/celery.py); what a process grows beyond it is its own: a members
# import loads pandas and numpy (~65 MB), a runner batch allocates tens of MB of rows, and
# Python rarely returns that memory to the system. An idle pool process is ~145 MB resident,
# most of it shared with the main process, so this leaves it ~50 MB of its own.
# 0 turns either guard off (Celery wants None for that).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = (
    env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=200_000) or None
)
# ... and after this many tasks in any case, so slow growth (fragmentation, copied pages of
# the shared code) is reset too. The fork costs milliseconds (nothing is imported again), but
# the new process starts cold (a new database session, empty caches) and the old one lingers
# a second: a webhook burst runs about 20 small tasks a second per process, which 500 made a
# replacement every half minute.
CELERY_WORKER_MAX_TASKS_PER_CHILD = (
    env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=5000) or None
)
# Celery's Django fixup closes the database connection before and after every task unless
# this is set: each task then opened a new PostgreSQL session (a server process forked, its
# catalog caches cold), about ten a second per worker under a webhook burst. Set, the fixup
# closes only every this-many tasks, and ``oa_console.celery`` applies ``CONN_MAX_AGE`` around
# each task as Django does around each request.
CELERY_DB_REUSE_MAX = 1000
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # The activity hub: catch-up drain of every subscriber (reactions normally run on commit),
    # and the hourly prune of activity every cursor has passed.
    "drain-activities": {"task": "oa_console.activity.tasks.drain_activities", "schedule": 5.0},
    "prune-activities": {"task": "oa_console.activity.tasks.prune_activities", "schedule": 3600.0},
    "record-beat-heartbeat": {"task": "oa_console.tasks.record_heartbeat", "schedule": 60.0},
    # Webhook events stored while the broker was down, and profile fetches never enqueued.
    "sweep-pending-webhook-events": {
        "task": "webhooks.tasks.sweep_pending_webhook_events",
        "schedule": 60.0,
    },
    "sweep-friend-profiles": {"task": "segments.tasks.sweep_friend_profiles", "schedule": 300.0},
    # Raw webhook events processed and older than each OA's retention period (03:15 JST, after
    # the nightly rollups), deleted in small batches.
    "prune-raw-webhook-events": {
        "task": "webhooks.tasks.prune_raw_webhook_events",
        "schedule": crontab(hour=18, minute=15),
    },
    # Import jobs queued while the broker was down, or whose worker stopped beating (90 s).
    "sweep-import-jobs": {"task": "insights.tasks.sweep_import_jobs", "schedule": 30.0},
    # Insight API: hourly, so yesterday's figures arrive soon after LINE publishes them (JST)
    # and a backfill continues within LINE's 60 requests/hour per channel.
    "sweep-insight-sync": {"task": "insights.tasks.sweep_insight_sync", "schedule": 3600.0},
    # Tag coverage snapshot and RFM, once per OA-local night (the sweep finds OAs whose day is due).
    "sweep-crm-nightly": {"task": "segments.tasks.sweep_crm_nightly", "schedule": 900.0},
    # LINE's follower list, read for every OA nightly (02:00 JST, a quiet hour for LINE), and
    # syncs whose task was lost picked up again.
    "sync-followers-nightly": {
        "task": "segments.tasks.sync_followers_nightly",
        "schedule": crontab(hour=17, minute=0),
    },
    "sweep-follower-syncs": {"task": "segments.tasks.sweep_follower_syncs", "schedule": 600.0},
    # Rich menus shown as the default for a while (a weekend sale): started and ended on time.
    "apply-rich-menu-schedules": {
        "task": "richmenus.tasks.apply_rich_menu_schedules",
        "schedule": 60.0,
    },
    # Dashboard rollups: a full recompute nightly (01:30 JST, after LINE's day closes), and
    # debounced refreshes whose task never reached the broker.
    "recompute-all-metrics": {
        "task": "insights.metrics.tasks.recompute_all_metrics",
        "schedule": crontab(hour=16, minute=30),
    },
    "sweep-metric-refreshes": {
        "task": "insights.metrics.tasks.sweep_metric_refreshes",
        "schedule": 300.0,
    },
    # Journeys: the runner advances due enrolments, the send sweep sends what is pending
    # (both are also kicked right after the commit that made work for them).
    "advance-journey-enrolments": {
        "task": "journeys.tasks.advance_enrolments",
        "schedule": 10.0,
    },
    "send-journey-messages": {"task": "journeys.tasks.send_pending", "schedule": 10.0},
    # The item events' bulk calls LINE has answered: their friends' rows written (kicked by the
    # sender; this finds the lost kicks and a booking whose worker died).
    "book-journey-bulk-calls": {"task": "journeys.tasks.book_bulk_calls", "schedule": 10.0},
    # Journeys' webhook calls: kicked after the runner's commit; this finds the lost kicks,
    # the back-offs that ended and the calls of a worker that died mid-call (its lease ended).
    "make-journey-webhook-calls": {"task": "journeys.tasks.make_webhook_calls", "schedule": 10.0},
    # Scheduled segments, date attributes and segment entries each minute (a slot at 10:00 in
    # the OA's zone enrols within a minute of it), and item events a lost task left pending.
    "sweep-journey-triggers": {
        "task": "journeys.trigger_tasks.sweep_journey_triggers",
        "schedule": 60.0,
    },
    "sweep-item-events": {"task": "journeys.trigger_tasks.sweep_item_events", "schedule": 60.0},
    # Chats: agents' answers whose kick was lost, whose retry is due or whose worker died.
    "send-inbox-answers": {"task": "inbox.tasks.send_due_answers", "schedule": 10.0},
    # Chats: auto-replies whose after-commit send never ran (its process died), while their
    # reply token is valid (about a minute: a sweep every 10 s leaves most of it).
    "send-inbox-auto-replies": {"task": "inbox.tasks.send_due_auto_replies", "schedule": 10.0},
    # Chats: claims of reply tokens long expired are forgotten.
    "prune-inbox-reply-token-uses": {
        "task": "inbox.tasks.prune_reply_token_uses",
        "schedule": 3600.0,
    },
    # Chats: media a lost kick left unfetched; content past each OA's retention (03:40 JST).
    "sweep-inbox-media": {"task": "inbox.tasks.sweep_message_contents", "schedule": 300.0},
    "prune-inbox-content": {
        "task": "inbox.tasks.prune_chat_content",
        "schedule": crontab(hour=18, minute=40),
    },
    # Broadcasts: hand due ones to workers within 15 s of their time, resume stalled sends.
    "dispatch-due-broadcasts": {
        "task": "broadcasts.tasks.dispatch_due_broadcasts",
        "schedule": 15.0,
    },
    # Coupons created or closed in LINE Official Account Manager, read from LINE hourly.
    "sync-coupons": {"task": "coupons.tasks.sync_coupons_all", "schedule": 3600.0},
    # The audit log's retention (AUDIT_LOG_RETENTION_DAYS), nightly at 03:15 JST.
    "prune-audit-log": {
        "task": "oa_console.tasks.prune_audit_log",
        "schedule": crontab(hour=18, minute=15),
    },
}
# How long audit entries are kept, in days (0 = forever). Two years covers the look-back an
# agency's client usually asks for; every workspace gets the same period.
AUDIT_LOG_RETENTION_DAYS = env.int("AUDIT_LOG_RETENTION_DAYS", default=730)

# How long the activity log keeps rows every subscriber has passed, in days.
ACTIVITY_LOG_RETENTION_DAYS = env.int("ACTIVITY_LOG_RETENTION_DAYS", default=30)

# Threads that make one batch's auto-reply calls to LINE side by side in the worker (they only
# call LINE: the batch's claims and outcomes are written by the sending thread).
INBOX_AUTO_REPLY_CONCURRENCY = env.int("INBOX_AUTO_REPLY_CONCURRENCY", default=8)
