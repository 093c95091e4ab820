#!/usr/bin/env python
"""Refresh the message catalogues and compile them (no GNU gettext needed to compile).

Source strings are Chinese (the primary language), so the zh_Hans catalogue maps each
string to itself and the English catalogue carries the translations.

    python scripts/i18n.py            # makemessages (needs xgettext) + compile
    python scripts/i18n.py --compile  # compile only
"""

import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ["zh_Hans", "en"]


def make() -> None:
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            *sum([["-l", lc] for lc in LOCALES], []),
            "--ignore=.venv",
            "--ignore=var",
            "--ignore=tests",
            "--ignore=bench",
            "--no-obsolete",
            "--no-location",
        ],
        cwd=ROOT,
        check=True,
    )
    zh = polib.pofile(str(ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"))
    for entry in zh:
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid}
        else:
            entry.msgstr = entry.msgid
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    zh.metadata["Language"] = "zh_Hans"
    zh.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    zh.save()


def compile_all() -> None:
    for lc in LOCALES:
        po = polib.pofile(str(ROOT / f"locale/{lc}/LC_MESSAGES/django.po"))
        po.save_as_mofile(str(ROOT / f"locale/{lc}/LC_MESSAGES/django.mo"))


if __name__ == "__main__":
    if "--compile" not in sys.argv:
        make()
    compile_all()
    en = polib.pofile(str(ROOT / "locale/en/LC_MESSAGES/django.po"))
    missing = [e.msgid for e in en if not e.translated() and not e.obsolete]
    print(f"en: {len(en) - len(missing)} translated, {len(missing)} missing")
