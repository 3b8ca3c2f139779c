"""One page's checks: what the browser reports about a page, and which of it fails a tour."""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.urls import resolve
from django.utils.translation import trans_real

from oa_console.permissions import may_open
from oa_console.roles import role_allows
from tests.browser.tour.demo_routes import (
    ALLOWED_WORDS,
    PAGE_CAPABILITIES,
    PLACEHOLDER,
    RAW_CODE_PATTERNS,
    WORD,
    Login,
)
from tests.browser.tour.site import (
    Page,
)

# --- one page's checks ---------------------------------------------------------------------

# A function, not an expression: the console's Content-Security-Policy forbids the page to
# evaluate strings, which Playwright does for an expression it polls.
ALL_CHARTS_DRAWN_JS = (
    "() => document.querySelectorAll('[data-plotly-figure]:not(.js-plotly-plot)').length === 0"
)

PAGE_FACTS_JS = r"""() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '');
  const wide = [];
  if (root.scrollWidth > width) {
    for (const el of document.body.querySelectorAll('*')) {
      const right = el.getBoundingClientRect().right;
      const parent = el.parentElement.getBoundingClientRect().right;
      if (right > width + 1 && parent <= width + 1 && wide.length < 5) {
        wide.push(describe(el) + ' (' + Math.round(right) + ' px)');
      }
    }
  }
  const charts = [];
  for (const el of document.querySelectorAll('.js-plotly-plot')) {
    const full = el._fullData || [];
    let points = 0;
    const missing = [];
    let lines = 0, longest = 0;
    (el.data || []).forEach((trace, i) => {
      const type = trace.type || 'scatter';
      if (!full[i] || full[i].type !== type) { missing.push(type); return; }
      const values = type === 'pie' ? trace.values : (trace.orientation === 'h' ? trace.x : trace.y);
      const known = Array.from(values || []).filter(v => v !== null && v !== undefined && v !== '').length;
      points += known;
      if (type === 'scatter') { lines += 1; longest = Math.max(longest, known); }
    });
    const title = el.layout && el.layout.title ? (el.layout.title.text || el.layout.title) : '';
    charts.push({id: el.id, title: String(title), points: points, missing: missing,
                 singlePoint: lines > 0 && lines === (el.data || []).length && longest === 1});
  }
  const undrawn = Array.from(document.querySelectorAll('[data-plotly-figure]'))
    .filter(box => !box.classList.contains('js-plotly-plot')).map(box => box.id);
  const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'PRE', 'CODE', 'KBD', 'SAMP', 'TEXTAREA']);
  const skipped = (el) => { for (let p = el; p; p = p.parentElement) { if (SKIP.has(p.tagName) || p.getAttribute('translate') === 'no') return true; } return false; };
  const texts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.nodeValue.replace(/\s+/g, ' ').trim();
    if (text && !skipped(walker.currentNode.parentElement)) texts.push(text);
  }
  for (const el of document.body.querySelectorAll('[placeholder], [title], [aria-label], img[alt]')) {
    if (skipped(el)) continue;
    for (const name of ['placeholder', 'title', 'aria-label', 'alt']) {
      const value = el.getAttribute(name);
      if (value && value.trim()) texts.push(value.trim());
    }
  }
  return {scrollWidth: root.scrollWidth, width: width, wide: wide, charts: charts, undrawn: undrawn, texts: texts};
}"""


@dataclass
class Catalogue:
    """The console's English words (its msgids) and the Latin words a language's own
    translations use (brand names, words the language shares with English).

    ``known`` and ``english_only`` are derived once per tour, not again for each of the
    thousands of texts a language's tour checks against them."""

    english: set[str]
    native: set[str]
    known: frozenset[str] = field(init=False)  # any word a page may show in this language
    english_only: frozenset[str] = field(init=False)  # English the language never uses

    def __post_init__(self) -> None:
        self.known = frozenset(self.english | self.native | ALLOWED_WORDS)
        self.english_only = frozenset(self.english - self.native - ALLOWED_WORDS)


def _words(text: str) -> list[str]:
    return [word.lower() for word in WORD.findall(PLACEHOLDER.sub(" ", text)) if len(word) >= 3]


def _catalogue(language: str) -> Catalogue:
    folder = {"zh-hant": "zh_Hant"}.get(language, language)
    path = settings.BASE_DIR / "locale" / folder / "LC_MESSAGES" / "django.mo"
    with path.open("rb") as mo:
        entries = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
    english: set[str] = set()
    for msgid in entries:
        source = msgid[0] if isinstance(msgid, tuple) else msgid
        english.update(_words(source.split("\x04")[-1]))  # without a msgctxt
    # The language's own words come from every catalogue Django loads for it (its calendar's
    # "Min" for Sunday in Indonesian is Django's, not the console's).
    merged = trans_real.translation(language)._catalog  # type: ignore[attr-defined]
    native: set[str] = set()
    for _msgid, msgstr in merged.items():
        native.update(_words(msgstr))
    return Catalogue(english, native)


# An IANA time zone ("Australia/ACT", "America/Argentina/Buenos_Aires"): a name shown as it is
# written in every language, whatever English words it happens to share with the catalogue.
TIME_ZONE_ID = re.compile(r"^[A-Z][A-Za-z]+(/[A-Za-z0-9_+-]+)+$")


# A moment shown with its zone's abbreviation ("2026/12/07 15:38 JST", "1:44 p.m. ICT"): the
# abbreviation is written the same in every language, whatever catalogue line mentions it.
CLOCK_TIME = re.compile(r"\d{1,2}[:.]\d{2}")


def _zoned_moment(text: str) -> bool:
    if not CLOCK_TIME.search(text):
        return False
    words = [word for word in WORD.findall(text) if len(word) >= 3]
    return bool(words) and all(word.isupper() for word in words)


# A stored secret shown masked with its last characters ("••••••••Ids="): those characters are
# random, and "Ids" is no more English than "xQ7=" (the demo's secrets differ in every seed).
MASKED_SECRET = re.compile(r"•+\S*")


def _untranslated(text: str, catalogue: Catalogue, content: set[str]) -> bool:
    if TIME_ZONE_ID.match(text) or _zoned_moment(text):
        return False
    words = _words(MASKED_SECRET.sub(" ", text))
    if not words or any(word not in catalogue.known for word in words):
        return False  # not the console's English (a name, a place, the language itself)
    if not any(w in catalogue.english_only for w in words):
        return False
    return text not in content and not any(len(c) >= 4 and c in text for c in content)


def _page_failures(
    facts: dict, *, language: str, catalogue: Catalogue | None, content: set[str]
) -> list[str]:
    failures = []
    if facts["scrollWidth"] > facts["width"]:
        failures.append(
            f"scrolls sideways: {facts['scrollWidth']} px wide in a {facts['width']} px window"
            f" ({', '.join(facts['wide']) or 'no single element'})"
        )
    for chart in facts["charts"]:
        name = chart["title"] or chart["id"]
        if chart["missing"]:
            failures.append(
                f"chart {name!r}: trace type {chart['missing']} is not in the Plotly bundle"
            )
        elif chart["points"] == 0:
            failures.append(f"chart {name!r} has no points")
        elif chart["singlePoint"]:
            failures.append(f"chart {name!r} draws a single point: no line to read")
    for box in facts["undrawn"]:
        failures.append(f"chart box {box!r} was never drawn")
    seen: set[str] = set()
    for text in facts["texts"]:
        if text in seen:
            continue
        seen.add(text)
        for pattern in RAW_CODE_PATTERNS:
            if pattern.search(text):
                failures.append(f"raw code {pattern.pattern!r}: {text[:120]!r}")
                break
        if catalogue is not None and _untranslated(text, catalogue, content):
            failures.append(f"untranslated ({language}): {text[:120]!r}")
    return failures


def _expected_status(page: Page, login: Login) -> int:
    # On a tenant's pages an agent opens only those marked for agents (the chats, the friend
    # pages); pages outside a tenant (sign-in, security, API docs) are every login's.
    match = resolve(page.path)
    if "workspace_slug" in match.kwargs and not may_open(
        SimpleNamespace(role=login.role), match.func
    ):
        return 403
    capability = PAGE_CAPABILITIES.get(page.name)
    if capability is not None and not role_allows(login.role, capability, limited=login.limited):
        return 403
    return 200
