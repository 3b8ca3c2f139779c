"""``manage.py recompute_metrics --account ID [--from DATE --to DATE]``: rebuild an OA's daily
metric rollups now (after a fix to a definition, or to check a figure), without the debounce."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from insights.metrics.refresh import metrics_recompute_account


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from exc


class Command(BaseCommand):
    help = "Recompute the daily metric rollups of one OA (all days, or --from/--to inclusive)."

    def add_arguments(self, parser):
        parser.add_argument("--account", type=int, required=True, help="LineAccount id")
        parser.add_argument("--from", dest="date_from", type=_date, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", type=_date, help="last day, YYYY-MM-DD")

    def handle(self, *args, account: int, date_from=None, date_to=None, **options):
        if date_from and date_to and date_from > date_to:
            raise CommandError("--from is after --to.")
        result = metrics_recompute_account(account_id=account, date_from=date_from, date_to=date_to)
        if result is None:
            raise CommandError(f"No OA with id {account}.")
        if result.date_from is None:
            self.stdout.write("No data for this OA; its rollups are empty.")
            return
        self.stdout.write(
            f"Recomputed {result.rows} rows for {result.date_from} to {result.date_to} "
            f"in {result.seconds:.2f} s."
        )
