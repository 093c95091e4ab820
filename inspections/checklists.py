"""The checklist templates that ship with the product, as data under version control.

``inspections/checklists/standards.yaml`` lists the 判定标准 the checklists cite: name,
文号, and each article/item (a short paraphrase per ref). Each ``NN-<key>.yaml`` beside it
is one template; NN fixes the load order (a template listed first is the industry's
default). An item that cites a standard names it (``standard``) and the refs it covers
(``covers``); the loader derives its standard name, 文号, article and ``basis`` from
that, grades it major by standard and adds the major-hazard plan to its suggested
measures. docs/standards.md explains the choices.

Loaded by a data migration and by ``manage.py load_checklists``; idempotent, keyed on
the template's ``key`` and the item's ``code`` (unique across all templates). Takes the
model classes as arguments so a migration can pass its historical models, and sets only
the fields those models have.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

SHIPPED = Path(__file__).resolve().parent / "checklists"
STANDARDS_FILE = "standards.yaml"

TEMPLATE_FIELDS = ("industry", "sub_industry", "name", "description")
ITEM_FIELDS = (
    "section",
    "text",
    "hazard_title",
    "category",
    "major_by_standard",
    "basis",
    "standard",
    "standard_number",
    "article",
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
SUB_INDUSTRIES = {
    "metallurgy",
    "nonferrous",
    "building_materials",
    "machinery",
    "light",
    "textile",
    "tobacco",
    "commerce",
}
CATEGORIES = {"person", "equipment", "environment", "management"}
REF_STYLES = {"article-item", "item", "part-item", "clause", "label"}

# What a major hazard's plan needs (16号令 and 五落实, docs/glossary.md), added to every major
# item's suggested measures so the data need not repeat it.
MAJOR_MEASURES = (
    "制定重大事故隐患治理方案，落实责任、措施、资金、时限和预案，"
    "治理期间采取防范措施，整改完成后申请复查销号"
)

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1..99 in Chinese numerals, as articles and items are numbered (十一, 二十)."""
    if not 0 < n < 100:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


def format_refs(style: str, refs: list[str]) -> str:
    """Render refs as a citation: "4.7", "4.8" → 第四条第（七）、（八）项."""
    if style == "clause":
        return "、".join(f"第{r}条" for r in refs)
    if style == "label":  # a standard whose clause numbers are not yet checked
        return "、".join(refs)
    if style == "item":
        return "第" + "、".join(f"（{chinese_number(int(r))}）" for r in refs) + "项"
    groups: dict[str, list[str]] = {}
    for ref in refs:
        head, _, tail = ref.partition(".")
        groups.setdefault(head, []).append(tail)
    parts = []
    for head, tails in groups.items():
        items = "、".join(f"（{chinese_number(int(t))}）" for t in tails if t)
        if style == "article-item":
            parts.append(f"第{chinese_number(int(head))}条" + (f"第{items}项" if items else ""))
        else:  # part-item: 一（一）, as the mine standard numbers its parts
            parts.append(chinese_number(int(head)) + items)
    return "、".join(parts)


def read_standards(directory: Path = SHIPPED) -> dict[str, dict]:
    data = yaml.safe_load((directory / STANDARDS_FILE).read_text(encoding="utf-8"))
    standards = {}
    for s in data:
        key = s.get("key")
        if not key or key in standards:
            raise ValueError(f"standard without a unique key: {key!r}")
        if s.get("refs") not in REF_STYLES:
            raise ValueError(f"{key}: unknown ref style {s.get('refs')!r}")
        if not (s.get("name") and s.get("number") and s.get("items")):
            raise ValueError(f"{key}: name, number and items are required")
        s["items"] = {str(ref): text for ref, text in s["items"].items()}
        for ref in s.get("unchecked", []):
            if str(ref) not in s["items"]:
                raise ValueError(f"{key}: unchecked ref {ref} is not one of its items")
        standards[key] = s
    return standards


def template_files(directory: Path = SHIPPED) -> list[Path]:
    return sorted(p for p in directory.glob("*.yaml") if re.match(r"\d\d-", p.name))


def read_shipped(path: Path = SHIPPED) -> list[dict]:
    """The templates, each item resolved against the standards; ``path`` is the
    shipped directory or one template file (its standards come from beside it)."""
    path = Path(path)
    directory = path if path.is_dir() else path.parent
    files = template_files(path) if path.is_dir() else [path]
    standards = read_standards(directory)
    data = [yaml.safe_load(f.read_text(encoding="utf-8")) for f in files]
    for template in data:
        for item in template.get("items", []):
            resolve(item, standards, where=template.get("key", "?"))
    check(data)
    return data


def resolve(item: dict, standards: dict[str, dict], *, where: str) -> None:
    """Fill a citing item's standard, 文号, article and basis from its refs."""
    key = item.get("standard")
    if not key:
        item["major_by_standard"] = False
        return
    standard = standards.get(key)
    code = item.get("code", "?")
    if standard is None:
        raise ValueError(f"{where} {code}: unknown standard {key!r}")
    refs = [str(r) for r in item.get("covers") or []]
    if not refs:
        raise ValueError(f"{where} {code}: cites {key} but covers no article")
    unknown = [r for r in refs if r not in standard["items"]]
    if unknown:
        raise ValueError(f"{where} {code}: {key} has no item {', '.join(unknown)}")
    item["covers"] = refs
    item["standard"] = standard["name"]
    item["standard_number"] = standard["number"]
    item["article"] = format_refs(standard["refs"], refs)
    citation = f"《{standard['name']}》（{standard['number']}）{item['article']}"
    item["basis"] = "；".join(s for s in (citation, item.get("also", "")) if s)
    item["major_by_standard"] = True
    measures = (item.get("suggested_measures") or "").rstrip("；。")
    if "治理方案" not in measures:
        item["suggested_measures"] = "；".join(s for s in (measures, MAJOR_MEASURES) if s)


def check(data: list[dict]) -> None:
    """Refuse a malformed file loudly rather than loading half of it."""
    keys = {t.get("key") for t in data}
    seen_keys: set[str] = set()
    codes: set[str] = set()
    for t in data:
        where = t.get("key", "?")
        if not t.get("key") or t["key"] in seen_keys:
            raise ValueError(f"checklist template without a unique key: {where}")
        seen_keys.add(t["key"])
        if t.get("industry") not in INDUSTRIES:
            raise ValueError(f"{where}: unknown industry {t.get('industry')!r}")
        sub = t.get("sub_industry") or ""
        if sub and (sub not in SUB_INDUSTRIES or t["industry"] != "industry_trade"):
            raise ValueError(f"{where}: sub_industry {sub!r} needs industry industry_trade")
        base = t.get("base")
        if base:
            parent = next((b for b in data if b.get("key") == base), None)
            if base not in keys or parent is None:
                raise ValueError(f"{where}: unknown base {base!r}")
            if parent.get("base") or parent.get("industry") != t["industry"]:
                raise ValueError(f"{where}: base {base!r} must be a general template")
        for item in t.get("items", []):
            code = item.get("code")
            if not code or code in codes or len(code) > 16:
                raise ValueError(f"{where}: item without a unique code: {code!r}")
            codes.add(code)
            if item.get("category") not in CATEGORIES:
                raise ValueError(f"{where} {code}: unknown category {item.get('category')!r}")
            if not (item.get("basis") or "").strip() or len(item["basis"]) > 255:
                raise ValueError(f"{where} {code}: basis missing or longer than 255")
            if not (item.get("text") or "").strip() or not (item.get("hazard_title") or ""):
                raise ValueError(f"{where} {code}: text and hazard_title are required")
            if item.get("major_by_standard") and not all(
                (item.get(f) or "").strip() for f in ("standard", "standard_number", "article")
            ):
                raise ValueError(f"{where} {code}: a major item needs standard, number, article")


def uncovered(standards: dict[str, dict], data: list[dict]) -> dict[str, list[str]]:
    """For each standard shipped in full, the refs no checklist item covers."""
    covered: dict[str, set[str]] = {}
    for t in data:
        for item in t.get("items", []):
            if item.get("major_by_standard"):
                covered.setdefault(item["standard"], set()).update(item["covers"])
    gaps = {}
    for key, s in standards.items():
        if s.get("coverage") == "full":
            missing = [r for r in s["items"] if r not in covered.get(s["name"], set())]
            if missing:
                gaps[key] = missing
    return gaps


def _fields(model, values: dict) -> dict:
    names = {f.name for f in model._meta.get_fields()}
    return {k: v for k, v in values.items() if k in names}


def load_checklists(template_model, item_model, data: list[dict], *, update: bool = False) -> dict:
    """Create missing templates and items; with ``update``, overwrite existing ones
    with the shipped text (the bureau's admin edits are kept otherwise)."""
    counts = {"templates": 0, "items": 0, "updated": 0}
    templates = {}
    for t in data:
        defaults = _fields(template_model, {f: t.get(f) or "" for f in TEMPLATE_FIELDS})
        template, created = template_model.objects.get_or_create(key=t["key"], defaults=defaults)
        counts["templates"] += created
        if not created and update:
            for f, v in defaults.items():
                setattr(template, f, v)
            template.save()
            counts["updated"] += 1
        templates[t["key"]] = template
    has_base = "base" in {f.name for f in template_model._meta.get_fields()}
    for t in data:
        template = templates[t["key"]]
        base = templates.get(t.get("base") or "")
        if (
            has_base
            and template.base_id != (base.pk if base else None)
            and (update or template.base_id is None)
        ):
            template.base = base
            template.save(update_fields=["base"])
        for order, item in enumerate(t.get("items", []), start=1):
            values = {f: item.get(f) or "" for f in ITEM_FIELDS}
            values["major_by_standard"] = bool(item.get("major_by_standard"))
            values["order"] = order
            values["template"] = template
            values = _fields(item_model, values)
            obj, created = item_model.objects.get_or_create(code=item["code"], defaults=values)
            counts["items"] += created
            if not created and update:
                for f, v in values.items():
                    setattr(obj, f, v)
                obj.save()
                counts["updated"] += 1
    return counts
