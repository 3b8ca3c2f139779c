"""docs/imports.md documents every report, canonical column and alias, and is up to date."""

from django.conf import settings

from insights.imports.docs import render
from insights.imports.reports import REPORTS


def test_docs_are_generated_from_the_catalogue():
    written = (settings.BASE_DIR / "docs" / "imports.md").read_text(encoding="utf-8")
    assert written == render(), "docs/imports.md is stale: run manage.py imports_doc"


def test_every_column_and_alias_is_documented():
    text = render()
    for spec in REPORTS.values():
        assert f"(`{spec.type}`)" in text
        for field in spec.fields:
            assert f"`{field.name}`" in text
            for alias in field.aliases:
                assert f"`{alias}`" in text


def test_member_data_and_orders_are_documented_with_their_fields():
    text = render()
    assert "## Member data (`members`)" in text
    assert "| `birthday` | Birthday (for age) |" in text
    assert "## Orders (`orders`)" in text
    assert "| `order_id` **required** | Order ID |" in text
