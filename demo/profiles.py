"""What inspectors find at each kind of place in the demo county.

The data is ``demo/profiles.yaml``: for each kind of place (``DemoEnterprise.kind`` in
enterprises/demo.py), the checklist template its inspectors walk, the sections and
items that do not apply there, and its findings. Every finding is a checklist item of
that template (inspections/checklists/, docs/standards.md) with where it was found and
what the inspector noted, so a kindergarten never gets a foundry's hazard: the
hazard's title, category, basis and suggested measures come from the item.
``majors`` are the findings that grade a hazard major: an item a 判定标准 grades major
(the hazard is then major by standard, citing its article), or a general item the
inspector grades major on the facts.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import yaml

DATA = Path(__file__).resolve().with_name("profiles.yaml")


class Finding(NamedTuple):
    code: str  # the checklist item
    location: str
    remark: str


class Profile(NamedTuple):
    template: str  # the checklist template key its inspectors walk
    findings: list[Finding]
    majors: list[Finding]
    not_applicable: frozenset[str]  # sections and item codes recorded as 不适用


def _findings(rows: list[str] | None) -> list[Finding]:
    """One finding a line: code | location | remark."""
    return [Finding(*(cell.strip() for cell in row.split("|"))) for row in rows or []]


def load(path: Path = DATA) -> dict[str, Profile]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        kind: Profile(
            p["template"],
            _findings(p.get("findings")),
            _findings(p.get("majors")),
            frozenset(p.get("not_applicable") or ()),
        )
        for kind, p in data.items()
    }


PROFILES: dict[str, Profile] = load()
