"""The catalogues: English complete, compiled files in step with their sources."""

import re
from pathlib import Path

import polib
import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


@pytest.mark.parametrize("lang", ["en", "zh_Hans"])
def test_catalogue_is_complete_and_compiled(lang):
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES/django.po"))
    untranslated = [e.msgid for e in po if not e.translated()]
    assert untranslated == [], f"{len(untranslated)} untranslated, e.g. {untranslated[:3]}"
    mo = polib.mofile(str(LOCALE / lang / "LC_MESSAGES/django.mo"))
    compiled = {e.msgid: e.msgstr for e in mo}
    sources = {e.msgid: e.msgstr for e in po if not e.msgid_plural}
    stale = [k for k, v in sources.items() if compiled.get(k) != v]
    assert stale == [], f"run `python scripts/i18n.py --compile`: {stale[:3]}"


def test_translations_keep_their_placeholders():
    po = polib.pofile(str(LOCALE / "en/LC_MESSAGES/django.po"))
    for entry in po:
        if entry.msgid_plural:
            continue
        assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(
            PLACEHOLDER.findall(entry.msgstr)
        ), entry.msgid


def test_chinese_by_default_and_english_on_request():
    with translation.override("zh-hans"):
        assert translation.gettext("隐患台帐") == "隐患台帐"
    with translation.override("en"):
        assert translation.gettext("隐患台帐") == "Hazard Ledger"
        assert translation.gettext("整改中") == "Rectifying"
