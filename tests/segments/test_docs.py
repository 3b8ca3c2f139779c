"""docs/segments.md is generated from the catalogue and must be up to date."""

from django.conf import settings

from segments.rules.doc import render
from segments.rules.fields import FIELDS
from segments.services.rfm import CELLS


def test_docs_are_current():
    path = settings.BASE_DIR / "docs" / "segments.md"
    assert path.read_text(encoding="utf-8") == render(), "run: manage.py segments_doc"


def test_docs_name_every_field_operator_and_cell():
    text = render()
    for spec in FIELDS.values():
        assert f"### `{spec.name}`" in text
        for op in spec.ops:
            assert f"| `{op}` |" in text
    for cell in CELLS:
        assert f"| `{cell.key}` |" in text
