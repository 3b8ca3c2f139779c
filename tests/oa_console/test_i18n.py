"""Translations: the committed catalogues compile, are complete and match their compiled .mo
files, keep every placeholder and tag, and each language of the switcher really shows them.

These tests read the committed catalogues only, so a branch that adds new source strings does
not fail here; ``make i18n-check`` (CI's "Translations" step) compares the catalogues with the
current source.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from oa_console.management.commands import translations
from oa_console.management.commands.translations import (
    catalogue_locales,
    check_catalogue,
    compile_errors,
    compiled_matches_source,
    load_catalog,
    po_path,
)
from tests.conftest import client_for

ROOT = Path(settings.BASE_DIR)
LOCALES = catalogue_locales()
TRANSLATED_CODES = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
needs_gettext = pytest.mark.skipif(
    shutil.which("msgfmt") is None or shutil.which("msgattrib") is None,
    reason="GNU gettext (msgfmt, msgattrib) is not installed; CI installs it",
)
# What must survive translation unchanged: named placeholders, brace placeholders, %% and tags.
PRESERVED = re.compile(r"%\([A-Za-z_0-9]+\)[sdf]|%%|\{[A-Za-z_][A-Za-z_0-9]*\}|</?[a-z]+[^>]*>")


def test_every_translated_language_has_a_catalogue_in_the_folder_django_loads():
    assert LOCALES == ["zh_Hant", "ja", "th", "id"]
    for locale in LOCALES:
        po = po_path(ROOT, locale)
        assert po.is_file(), po
        assert po.with_suffix(".mo").is_file(), "compiled catalogues are committed"


@needs_gettext
@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_compiles_and_has_no_untranslated_or_fuzzy_entry(locale):
    po = po_path(ROOT, locale)
    assert compile_errors(po) == []
    report = check_catalogue(po, locale)
    assert report.untranslated == []
    assert report.fuzzy == []


@needs_gettext
@pytest.mark.parametrize("locale", LOCALES)
def test_committed_mo_is_compiled_from_the_committed_po(locale):
    assert compiled_matches_source(po_path(ROOT, locale))


@needs_gettext
def test_the_check_reports_untranslated_fuzzy_and_stale_entries(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
        'msgid "Save"\nmsgstr "保存"\n\n'
        'msgid "Delete"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Cancel"\nmsgstr "キャンセル"\n\n'
        '#, python-format\nmsgid "Hello %(name)s"\nmsgstr "こんにちは %(nom)s"\n',
        encoding="utf-8",
    )
    report = check_catalogue(po, "ja")
    assert report.untranslated == ['"Delete"']
    assert report.fuzzy == ['"Cancel"']
    assert report.errors, "a renamed placeholder does not compile"
    assert not report.ok

    po.write_text(po.read_text(encoding="utf-8").replace("%(nom)s", "%(name)s"), encoding="utf-8")
    assert compile_errors(po) == []
    assert not compiled_matches_source(po), "no .mo yet"
    subprocess.run(["msgfmt", "-o", str(po.with_suffix(".mo")), str(po)], check=True)
    assert compiled_matches_source(po)
    po.write_text(po.read_text(encoding="utf-8").replace("保存", "保存する"), encoding="utf-8")
    assert not compiled_matches_source(po), "a .po edited after compiling is stale"


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_keep_placeholders_and_markup(locale):
    catalog = load_catalog(po_path(ROOT, locale).with_suffix(".mo"))
    problems = []
    for key, translated in catalog.items():
        msgid = key[0] if isinstance(key, tuple) else key
        if not msgid:
            continue  # the header
        expected = set(PRESERVED.findall(msgid))
        found = set(PRESERVED.findall(translated))
        # One plural form (nplurals=1) translates the plural, which may name more than the
        # singular does.
        if found != expected and not (isinstance(key, tuple) and expected <= found):
            problems.append((msgid, translated))
    assert problems == []


@pytest.mark.parametrize("locale", LOCALES)
def test_translations_are_not_copies_of_the_english(locale):
    catalog = load_catalog(po_path(ROOT, locale).with_suffix(".mo"))
    entries = {key: value for key, value in catalog.items() if key}
    copies = [key for key, value in entries.items() if value == key]
    # Product names, API terms and bare placeholders legitimately stay as they are.
    assert len(entries) > 1000
    assert len(copies) < 0.06 * len(entries), copies


def login_page(client: Client, **headers) -> str:
    response = client.get(reverse("login"), **headers)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("code", TRANSLATED_CODES)
def test_language_switcher_shows_the_login_page_in_each_language(code):
    client = Client()
    response = client.post(
        reverse("set_language"), {"language": code, "next": reverse("login")}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("login")
    with translation.override(code):
        log_in = translation.gettext("Log in")
        forgot = translation.gettext("Forgot your password?")
    assert log_in != "Log in" and forgot != "Forgot your password?"
    body = response.content.decode()
    assert f'<html lang="{code}"' in body
    assert log_in in body and forgot in body
    assert "Forgot your password?" not in body
    # The choice sticks: the next page is in the same language.
    assert forgot in login_page(client)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept_language", "code"),
    [("zh-TW,zh;q=0.9,en;q=0.5", "zh-hant"), ("ja-JP", "ja"), ("th-TH", "th"), ("id-ID", "id")],
)
def test_browser_language_of_each_market_is_recognised(accept_language, code):
    body = login_page(Client(), HTTP_ACCEPT_LANGUAGE=accept_language)
    assert f'<html lang="{code}"' in body
    with translation.override(code):
        assert translation.gettext("Forgot your password?") in body


@pytest.mark.django_db
def test_signed_in_pages_use_the_chosen_language(owner, account):
    client = client_for(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ja"
    body = client.get(reverse("api_key_list", kwargs={"workspace_slug": "alpha"})).content.decode()
    assert '<html lang="ja"' in body
    assert "ワークスペースの設定" in body  # "Workspace settings"
    assert "APIキーはまだありません。" in body  # the empty state
    assert "ログアウト" in body  # "Log out" in the top bar


@pytest.mark.django_db
def test_texts_defined_at_import_time_follow_the_request_language(owner, account):
    """Class attributes and form help texts are lazy: they must not freeze in English."""
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="ja")
    assert (
        "メールを確認してください" in anonymous.get(reverse("password_reset_done")).content.decode()
    )
    client = client_for(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
    url = reverse(
        "account_imports", kwargs={"workspace_slug": "alpha", "account_slug": account.slug}
    )
    body = client.get(url).content.decode()
    assert "ไฟล์ละไม่เกิน" in body  # "Up to ... MB each" in the upload field's help
    assert "Up to" not in body


@needs_gettext
def test_translations_check_command_fails_and_lists_missing_strings(
    tmp_path, monkeypatch, settings
):
    """--check extracts into a scratch copy; here the "extraction" leaves one string missing."""
    settings.BASE_DIR = tmp_path
    settings.LANGUAGES = [("en", "English"), ("ja", "Japanese")]
    po = po_path(tmp_path, "ja")
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Save"\nmsgstr "保存"\n',
        encoding="utf-8",
    )
    subprocess.run(["msgfmt", "-o", str(po.with_suffix(".mo")), str(po)], check=True)

    def extract_new_string(root: Path, locales: list[str]) -> None:
        assert root != tmp_path, "the working tree is never extracted into"
        scratch_po = po_path(root, "ja")
        scratch_po.write_text(
            scratch_po.read_text(encoding="utf-8") + '\nmsgid "Delete"\nmsgstr ""\n',
            encoding="utf-8",
        )

    monkeypatch.setattr(translations, "run_makemessages", lambda root, locales: None)
    call_command("translations", "--check")  # complete: passes

    monkeypatch.setattr(translations, "run_makemessages", extract_new_string)
    with pytest.raises(CommandError, match="1 translation problem"):
        call_command("translations", "--check")
    assert 'msgid "Delete"' not in po.read_text(encoding="utf-8")
