"""What a bulk-loaded hazard is about: a finding of its enterprise's kind of place
(demo/profiles.py), resolved against the checklist item it cites, so titles fit the
industry and carry their citation: ``basis``, and for a major finding of a
standard-major item the item itself (``standard_item``, major by standard)."""

from __future__ import annotations

from typing import NamedTuple

from inspections.models import ChecklistItem

from ..county import ensure_checklists
from ..profiles import PROFILES


class Sample(NamedTuple):
    title: str
    description: str
    location: str
    category: str
    measures: str
    basis: str
    major_by_standard: bool
    standard_item_id: int | None


def samples() -> dict[str, tuple[list[Sample], list[Sample]]]:
    """Each kind's (general, major) samples; a kind without major findings has none."""
    ensure_checklists()
    codes = {f.code for p in PROFILES.values() for f in (*p.findings, *p.majors)}
    items = {i.code: i for i in ChecklistItem.objects.filter(code__in=codes)}
    out = {}
    for kind, profile in PROFILES.items():
        general = [_sample(items[f.code], f, major=False) for f in profile.findings]
        major = [_sample(items[f.code], f, major=True) for f in profile.majors]
        out[kind] = (general, major)
    return out


def _sample(item: ChecklistItem, finding, *, major: bool) -> Sample:
    by_standard = major and item.major_by_standard
    return Sample(
        item.hazard_title,
        f"检查发现：{finding.remark}。",
        finding.location,
        item.category,
        item.suggested_measures,
        item.basis,
        by_standard,
        item.pk if by_standard else None,
    )
