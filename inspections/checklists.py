"""The checklist templates that ship with the product (checklists.json).

Loaded by a data migration and by ``manage.py load_checklists``; idempotent, keyed on
the template's ``key`` and the item's ``code``. Takes the model classes as arguments
so a migration can pass its historical models.
"""

from __future__ import annotations

import json
from pathlib import Path

SHIPPED = Path(__file__).resolve().parent / "checklists.json"

TEMPLATE_FIELDS = ("industry", "name", "description")
ITEM_FIELDS = (
    "section",
    "text",
    "hazard_title",
    "category",
    "major_by_standard",
    "basis",
    "suggested_measures",
)
INDUSTRIES = {
    "mining",
    "hazardous_chemicals",
    "construction",
    "transport",
    "crowded_places",
    "industry_trade",
    "other",
}
CATEGORIES = {"person", "equipment", "environment", "management"}


def read_shipped(path: Path = SHIPPED) -> list[dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    check(data)
    return data


def check(data: list[dict]) -> None:
    """Refuse a malformed file loudly rather than loading half of it."""
    keys = set()
    for t in data:
        where = t.get("key", "?")
        if not t.get("key") or t["key"] in keys:
            raise ValueError(f"checklist template without a unique key: {where}")
        keys.add(t["key"])
        if t.get("industry") not in INDUSTRIES:
            raise ValueError(f"{where}: unknown industry {t.get('industry')!r}")
        codes = set()
        for item in t.get("items", []):
            code = item.get("code")
            if not code or code in codes:
                raise ValueError(f"{where}: item without a unique code: {code!r}")
            codes.add(code)
            if item.get("category") not in CATEGORIES:
                raise ValueError(f"{where} {code}: unknown category {item.get('category')!r}")
            if not (item.get("basis") or "").strip() or len(item["basis"]) > 255:
                raise ValueError(f"{where} {code}: basis missing or longer than 255")
            if not (item.get("text") or "").strip() or not (item.get("hazard_title") or ""):
                raise ValueError(f"{where} {code}: text and hazard_title are required")


def load_checklists(template_model, item_model, data: list[dict], *, update: bool = False) -> dict:
    """Create missing templates and items; with ``update``, overwrite existing ones
    with the shipped text (the bureau's admin edits are kept otherwise)."""
    counts = {"templates": 0, "items": 0, "updated": 0}
    for t in data:
        defaults = {f: t.get(f, "") for f in TEMPLATE_FIELDS}
        template, created = template_model.objects.get_or_create(key=t["key"], defaults=defaults)
        counts["templates"] += created
        if not created and update:
            for f, v in defaults.items():
                setattr(template, f, v)
            template.save()
            counts["updated"] += 1
        for order, item in enumerate(t.get("items", []), start=1):
            values = {f: item.get(f, "") for f in ITEM_FIELDS}
            values["major_by_standard"] = bool(item.get("major_by_standard"))
            values["order"] = order
            obj, created = item_model.objects.get_or_create(
                template=template, code=item["code"], defaults=values
            )
            counts["items"] += created
            if not created and update:
                for f, v in values.items():
                    setattr(obj, f, v)
                obj.save()
                counts["updated"] += 1
    return counts
