"""``manage.py imports_doc``: rewrite docs/imports.md from the report catalogue."""

from django.conf import settings
from django.core.management.base import BaseCommand

from insights.imports.docs import render


class Command(BaseCommand):
    help = "Write docs/imports.md (every report, canonical column and alias) from the catalogue."

    def handle(self, *args, **options) -> None:
        path = settings.BASE_DIR / "docs" / "imports.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text(render(), encoding="utf-8")
        self.stdout.write(f"Wrote {path}")
