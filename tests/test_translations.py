"""Indonesian is the default language: every text has an Indonesian translation, the
placeholders survive translation, and the catalogue is in step with the code."""

import os
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "id" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{\s*[\w.|:]+\s*\}\}")


def _catalogue(path=CATALOGUE):
    with path.open("rb") as handle:
        return read_po(handle, locale="id")


def _strings(value):
    return list(value) if isinstance(value, tuple) else [value]


def test_every_message_has_an_indonesian_translation():
    missing = [m.id for m in _catalogue() if m.id and (not all(_strings(m.string)) or m.fuzzy)]

    assert missing == []


def test_translations_keep_every_placeholder():
    broken = []
    for message in _catalogue():
        if not message.id:
            continue
        source = sorted(PLACEHOLDER.findall(_strings(message.id)[0]))
        target = sorted(PLACEHOLDER.findall(_strings(message.string)[0]))
        if source != target:
            broken.append((message.id, source, target))

    assert broken == []


def test_the_catalogue_holds_every_text_in_the_code(tmp_path):
    if not shutil.which("xgettext"):
        pytest.skip("needs GNU gettext (xgettext) to extract the texts")
    # makemessages writes into the `locale` folder it finds beside the sources, so it runs on
    # a copy of the sources and of the catalogue, never on the real ones.
    copy = tmp_path / "src"
    for folder in ("asn_portal", "integrity", "training", "careers", "templates"):
        shutil.copytree(ROOT / folder, copy / folder, ignore=shutil.ignore_patterns("__pycache__", "demo_data"))
    (copy / "locale" / "id" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(CATALOGUE, copy / "locale" / "id" / "LC_MESSAGES" / "django.po")
    cwd = os.getcwd()
    try:
        os.chdir(copy)
        with override_settings(LOCALE_PATHS=[copy / "locale"]):
            call_command("makemessages", locale=["id"], no_obsolete=True, verbosity=0)
    finally:
        os.chdir(cwd)

    extracted = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in _catalogue(copy / "locale" / "id" / "LC_MESSAGES" / "django.po")
        if m.id
    }
    committed = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalogue() if m.id}
    assert sorted(extracted - committed) == [], "new texts are not in the catalogue: run `make messages`"


def test_the_default_language_is_indonesian():
    with translation.override("id"):
        assert translation.gettext("Employee not found.") == "Pegawai tidak ditemukan."
    with translation.override("en"):
        assert translation.gettext("Employee not found.") == "Employee not found."
