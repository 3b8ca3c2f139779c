"""``manage.py segments_doc``: rewrite docs/segments.md from the rules catalogue."""

from django.conf import settings
from django.core.management.base import BaseCommand

from segments.rules.doc import render


class Command(BaseCommand):
    help = "Write docs/segments.md (every field, operator, value and RFM cell) from the catalogue."

    def handle(self, *args, **options) -> None:
        path = settings.BASE_DIR / "docs" / "segments.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(render(), encoding="utf-8")
        self.stdout.write(f"Wrote {path}")
