"""The tour's "untranslated" check itself: a moment shown with its zone's abbreviation is not
English left untranslated (the abbreviation reads the same in every language); a sentence
around it still is judged."""

from __future__ import annotations

import pytest

from tests.browser.tour.checks import Catalogue, _untranslated

# "jst" comes from an English line whose Japanese translation says 日本時間 instead.
CATALOGUE = Catalogue(english={"jst", "sent", "at"}, native=set())


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("2026/12/07 15:38 JST", False),
        ("12/06/2026 1:44 p.m. JST", False),
        ("Asia/Tokyo", False),
        ("Sent at 15:38 JST", True),
    ],
)
def test_zoned_moments_are_not_untranslated_english(text, flagged):
    assert _untranslated(text, CATALOGUE, content=set()) is flagged


def test_a_masked_secrets_last_characters_are_not_english():
    """The account settings show a stored secret as "••••••••Ids=": random characters, judged
    as words they once read as untranslated English on the Thai page (a flaky tour)."""
    catalogue = Catalogue(english={"ids", "stored"}, native=set())
    assert _untranslated("จัดเก็บแล้ว: ••••••••Ids= เว้นว่างไว้เพื่อคงค่าเดิม", catalogue, set()) is False
    assert _untranslated("Stored: ••••••••Ids=", catalogue, set()) is True
