"""What the architecture checks still tolerate, each entry with its reason.

Issue 15 shrinks every list here; nothing may be added without a reason a reviewer accepts.
The checks in ``test_boundaries.py`` fail both when code breaks a rule that is not listed and
when a listed exception no longer exists (so the lists only ever shrink to the truth).
"""

TEMPORARY = "being removed by issue 15's restructuring"
READY = "AppConfig.ready(): registrations run once the app registry is loaded"

# Function-local imports from another app: (module path, imported module) -> reason.
LOCAL = {
    ("broadcasts/apps.py", "oa_console.audit.display"): READY,
    ("broadcasts/apps.py", "oa_console.security"): READY,
    ("broadcasts/apps.py", "segments.personal_data.registry"): READY,
    ("insights/apps.py", "oa_console.audit.display"): READY,
    ("insights/apps.py", "segments.registries.target_reach"): READY,
    ("insights/apps.py", "segments.personal_data.registry"): READY,
    ("segments/apps.py", "oa_console.services.line_accounts"): READY,
    ("webhooks/apps.py", "segments.personal_data.registry"): READY,
}


# Modules over MAX_LINES lines (outside migrations): path -> its line count today.
OVERSIZED: dict[str, int] = {}


# Uses of the cross-tenant `unscoped` manager: path -> how many. A use belongs here only where
# a read really crosses tenants (URL resolution, admin, ops commands, cross-tenant jobs).
UNSCOPED = {
    "broadcasts/services/clicks.py": 1,
    "broadcasts/services/plan_failures.py": 1,
    "broadcasts/services/planning/__init__.py": 1,
    "broadcasts/services/results.py": 1,
    "broadcasts/services/send_audit.py": 1,
    "broadcasts/services/sending/finishing.py": 2,
    "broadcasts/services/sending/rounds.py": 1,
    "broadcasts/services/sending/scheduling.py": 5,
    "broadcasts/simulated_insight.py": 2,
    "broadcasts/simulated_line.py": 1,
    "broadcasts/tasks.py": 1,
    # The beat's hourly coupon sync reads from LINE for every tenant's OA.
    "coupons/services.py": 1,
    "insights/api/metrics.py": 1,
    # Beat sweeps before any tenant is known: item events no worker runs, and the active
    # journeys whose scheduled trigger is due; each id goes to a task that reads in its own OA.
    "journeys/engine/item_events/processing.py": 1,
    "journeys/engine/schedules/runs.py": 1,
    # A public click redirect: the token names the journey before any tenant is known.
    "journeys/services/clicks.py": 1,
    "insights/imports/claims.py": 2,
    "insights/imports/jobs.py": 4,
    "insights/metrics/refresh.py": 4,
    "insights/sync/passes.py": 2,
    # The journeys runner claims due enrolments of every OA (the active journeys' ids, the due
    # ids, then their rows and friends, and the batch's OAs, journeys and versions, read once
    # and shared)
    # and writes a batch's journal lines, sends and moves, which may span
    # OAs, in one statement each; the send sweep plans and claims pending sends of every OA
    # (each claim's outcomes are then stored per OA).
    "journeys/engine/runner.py": 7,
    # The webhook task claims due calls of every OA (no tenant is known to a beat sweep), reads
    # each call's secret and records its answer in the call's OA by id.
    "journeys/engine/webhook_calls.py": 5,
    "journeys/engine/batch_writes.py": 5,
    "journeys/engine/sending/planning.py": 4,
    "journeys/engine/sending/rounds.py": 3,
    # The item events' bulk calls: the sender counts and claims due calls of every OA like the
    # other sends; the booking takes settled calls of every OA (a beat sweep) and
    # writes each in its own OA's rows by the call's ids.
    "journeys/engine/sending/bulk_calls.py": 2,
    "journeys/engine/item_events/booking.py": 2,
    # A form's public LIFF page: the key in the URL names the form before any tenant is known.
    "liff_forms/selectors/forms.py": 1,
    # Reply-token claims of every OA older than a day are deleted hourly in one statement.
    "inbox/services/reply_tokens.py": 1,
    # The search backfill walks every OA (each then read inside its own tenant scope).
    "inbox/management/commands/inbox_search_backfill.py": 1,
    # Chat media: the beat sweep finds pending content of every OA; a fetch task loads its
    # row by id to learn its OA. The nightly retention reads every OA's period.
    "inbox/services/media.py": 2,
    "inbox/services/retention.py": 1,
    # Agents' answers: the worker reads an answer by id before its OA is known, and the beat's
    # sweep finds due answers (and replies whose worker died) of every OA in one statement each.
    "inbox/services/answers.py": 3,
    # Auto-replies a dead process never sent: the beat's sweep settles and finds due sends of
    # every OA (one statement each), loads a due send by id to learn its OA, and deletes every
    # OA's finished sends hourly in one statement.
    "inbox/autoreplies/sending.py": 3,
    "oa_console/activity/draining.py": 1,
    "oa_console/activity/registry.py": 1,
    "oa_console/admin.py": 1,
    "oa_console/api/base.py": 2,
    "oa_console/audit/record.py": 1,
    "oa_console/audit/retention.py": 2,
    "oa_console/forms.py": 2,
    "oa_console/selectors.py": 4,
    "oa_console/services/_account_access.py": 2,
    "oa_console/services/api_keys.py": 2,
    "oa_console/services/invitations.py": 1,
    "oa_console/services/line_accounts.py": 2,
    "oa_console/services/memberships.py": 1,
    "oa_console/services/workspaces.py": 1,
    "oa_console/tenancy.py": 1,
    "segments/management/commands/sync_followers.py": 1,
    "segments/rules/compiler.py": 2,
    "segments/selectors/friends.py": 2,
    "segments/selectors/tags.py": 1,
    "segments/services/campaigns.py": 1,
    "segments/services/follower_syncs/sync.py": 3,
    "segments/services/nightly.py": 1,
    "segments/services/profiles.py": 2,
    "segments/services/storage.py": 1,
    "segments/tasks.py": 1,
    "webhooks/services/processing.py": 1,
    "webhooks/services/receiving.py": 1,
    "webhooks/services/retention.py": 1,
    # Rich menu schedules: the beat sweep finds due schedules of every OA in one statement;
    # each is then applied by a task inside its own OA.
    "richmenus/services/schedules.py": 1,
    # A public click redirect: the token names the rich menu before any tenant is known.
    "richmenus/services/links.py": 1,
}
