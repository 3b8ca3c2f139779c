"""``manage.py translations``: update the translation catalogues, or check that they are complete.

One command so that updating after new strings is one step (``make messages``) and CI's check
(``make i18n-check``) extracts exactly what an update would. Both run Django's ``makemessages``
with the options in ``MAKEMESSAGES_OPTIONS`` for every language of ``settings.LANGUAGES`` except
the source language, and both need GNU gettext (``msgfmt``, ``msgmerge``, ``xgettext``).

- ``translations`` rewrites ``locale/<lang>/LC_MESSAGES/django.po`` from the source (new strings
  arrive untranslated, changed ones fuzzy), then compiles the ``.mo`` files that are committed
  beside them, so a clean clone shows translations without gettext installed.
- ``translations --check`` extracts into a scratch copy of the source tree (the working tree is
  never touched) and fails, listing the strings, when a language has an untranslated or fuzzy
  entry, a catalogue does not compile, or a committed ``.mo`` differs from its ``.po``.
"""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import to_locale

# Folders that hold no console strings: dependencies, data, tests, benchmarks, build output.
IGNORED = (".venv", ".tools", "var", "bench", "tests", "staticfiles", "test-results")
# --add-location=file keeps references without line numbers, so catalogues only change when
# strings do (no churn, fewer merge conflicts); --no-obsolete drops strings the source lost.
MAKEMESSAGES_OPTIONS = (
    *(f"--ignore={name}" for name in IGNORED),
    "--add-location=file",
    "--no-obsolete",
)
# Shown when an entry is missing: how to fix it.
FIX_HINT = (
    "Run `make messages`, translate the listed entries in locale/<lang>/LC_MESSAGES/django.po "
    "(remove the fuzzy flag once checked), then `make messages` again to compile."
)


def catalogue_locales() -> list[str]:
    """Locale folder names (``zh_Hant``, ``ja``, ...) of every language but the source one."""
    return [to_locale(code) for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def makemessages_command(locales: list[str]) -> list[str]:
    """The exact ``manage.py makemessages`` invocation, as documented in the README."""
    return [
        "manage.py",
        "makemessages",
        *(arg for locale in locales for arg in ("-l", locale)),
        *MAKEMESSAGES_OPTIONS,
    ]


def po_path(root: Path, locale: str) -> Path:
    return root / "locale" / locale / "LC_MESSAGES" / "django.po"


def require_gettext() -> None:
    missing = [tool for tool in ("msgfmt", "msgmerge", "xgettext") if shutil.which(tool) is None]
    if missing:
        raise CommandError(
            f"GNU gettext is needed ({', '.join(missing)} not found): "
            "apt-get install gettext, or brew install gettext."
        )


def run_makemessages(root: Path, locales: list[str]) -> None:
    """Run makemessages in ``root`` (a project tree) with the development settings."""
    env = {**os.environ, "DEBUG": "true"}
    result = subprocess.run(
        [sys.executable, *makemessages_command(locales)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise CommandError(f"makemessages failed:\n{result.stdout}{result.stderr}")


@dataclass
class CatalogueReport:
    """What is wrong with one language's catalogue; empty lists mean it is complete."""

    locale: str
    errors: list[str] = field(default_factory=list)
    untranslated: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.errors or self.untranslated or self.fuzzy)


def compile_errors(po: Path) -> list[str]:
    """``msgfmt --check`` (format strings, plural forms, header) of one catalogue."""
    result = subprocess.run(
        ["msgfmt", "--check", "-o", os.devnull, str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode == 0:
        return []
    return [line for line in result.stderr.splitlines() if line.strip()] or ["msgfmt failed"]


def entries_with(po: Path, selector: str) -> list[str]:
    """The msgids ``msgattrib`` selects (``--untranslated`` or ``--only-fuzzy``), header excluded."""
    result = subprocess.run(
        ["msgattrib", selector, "--no-obsolete", "--no-location", "--no-wrap", str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    return [
        line.removeprefix("msgid ")
        for line in result.stdout.splitlines()
        if line.startswith("msgid ") and line != 'msgid ""'
    ]


def check_catalogue(po: Path, locale: str) -> CatalogueReport:
    report = CatalogueReport(locale=locale)
    if not po.exists():
        report.errors.append(f"{po} does not exist")
        return report
    report.errors = compile_errors(po)
    report.untranslated = entries_with(po, "--untranslated")
    report.fuzzy = entries_with(po, "--only-fuzzy")
    return report


def load_catalog(mo: Path) -> dict[Any, str]:
    with mo.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]


def compiled_matches_source(po: Path) -> bool:
    """True when the committed ``.mo`` beside ``po`` holds exactly what ``po`` compiles to.

    The catalogues are compared, not the bytes, so another gettext version's output still
    matches.
    """
    mo = po.with_suffix(".mo")
    if not mo.exists():
        return False
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / "fresh.mo"
        subprocess.run(["msgfmt", "-o", str(fresh), str(po)], check=True, capture_output=True)
        return load_catalog(fresh) == load_catalog(mo)


def scratch_copy(root: Path, target: Path) -> Path:
    """Copy the source tree and its catalogues, without dependencies, data, secrets or VCS."""
    top_level_skip = {*IGNORED, ".git", ".env", ".pytest_cache", ".ruff_cache", "node_modules"}

    def ignore(directory: str, names: list[str]) -> list[str]:
        at_top = Path(directory) == root
        return [n for n in names if n == "__pycache__" or (at_top and n in top_level_skip)]

    tree = target / "tree"
    shutil.copytree(root, tree, ignore=ignore)
    return tree


class Command(BaseCommand):
    help = (
        "Update the translation catalogues in locale/ from the source and compile them "
        "(the `make messages` target), or with --check fail when a language misses a "
        "translation of the current source (the `make i18n-check` target)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Extract into a scratch copy and report missing or fuzzy translations; "
            "exit 1 if any. Changes nothing.",
        )

    def handle(self, *args: Any, check: bool, **options: Any) -> None:
        require_gettext()
        root = Path(settings.BASE_DIR)
        locales = catalogue_locales()
        if check:
            self.verify(root, locales)
        else:
            self.update(root, locales)

    def update(self, root: Path, locales: list[str]) -> None:
        self.stdout.write(" ".join(makemessages_command(locales)))
        run_makemessages(root, locales)
        for locale in locales:
            po = po_path(root, locale)
            errors = compile_errors(po)
            if errors:
                raise CommandError(f"{po} does not compile:\n" + "\n".join(errors))
            subprocess.run(
                ["msgfmt", "-o", str(po.with_suffix(".mo")), str(po)],
                check=True,
                capture_output=True,
            )
            report = check_catalogue(po, locale)
            self.stdout.write(
                f"{locale}: {len(report.untranslated)} untranslated, {len(report.fuzzy)} fuzzy"
            )

    def verify(self, root: Path, locales: list[str]) -> None:
        failures = 0
        with tempfile.TemporaryDirectory() as scratch:
            tree = scratch_copy(root, Path(scratch))
            run_makemessages(tree, locales)
            for locale in locales:
                report = check_catalogue(po_path(tree, locale), locale)
                committed = po_path(root, locale)
                if committed.exists() and not compiled_matches_source(committed):
                    report.errors.append(
                        f"{committed.with_suffix('.mo')} is not compiled from {committed}"
                    )
                failures += self.show(report)
        if failures:
            raise CommandError(f"{failures} translation problem(s). {FIX_HINT}")
        self.stdout.write(f"Translations complete: {', '.join(locales)}.")

    def show(self, report: CatalogueReport) -> int:
        """Print one language's problems; return how many there are."""
        if report.ok:
            self.stdout.write(f"{report.locale}: complete")
            return 0
        for error in report.errors:
            self.stderr.write(f"{report.locale}: {error}")
        for kind, msgids in (("untranslated", report.untranslated), ("fuzzy", report.fuzzy)):
            for msgid in msgids:
                self.stderr.write(f"{report.locale}: {kind}: {msgid}")
        return len(report.errors) + len(report.untranslated) + len(report.fuzzy)
