"""``manage.py inbox_search_backfill [--account ID]``: index the messages recorded before the
search index existed (or after it was emptied for a new key).

Resumable and safe to run while messages arrive: it walks each OA's messages in id order in
batches and skips those already indexed, so a stopped run loses nothing and a second run adds
nothing twice.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from inbox.services.search_index import messages_backfill
from oa_console.models import LineAccount
from oa_console.tenancy import tenant_scope


class Command(BaseCommand):
    help = "Add the messages not yet in the chat search index (every OA, or one)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--account", type=int, help="Only this OA's id.")
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = LineAccount.unscoped.select_related("workspace").order_by("pk")
        if options["account"] is not None:
            accounts = accounts.filter(pk=options["account"])
            if not accounts.exists():
                raise CommandError(f"No OA with id {options['account']}.")
        for account in accounts:
            with tenant_scope(workspace=account.workspace, account=account):
                done = messages_backfill(account=account, batch_size=options["batch_size"])
            self.stdout.write(f"{account.slug}: {done} messages indexed")
