"""The repository explains itself: code and its comments point into docs/, never to
files that are not in the repository (the product spec, the style guide, the issue
tracker), and every pointer into docs/ leads somewhere."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

SKIP_DIRS = {".git", ".venv", "node_modules", "var", "test-artifacts", "backups", "locale"}
SKIP_PATHS = {Path("docs"), Path("static/vendor")}
TEXT_SUFFIXES = {".py", ".html", ".js", ".css", ".sh", ".md", ".toml", ".yml", ".yaml", ".txt"}
TEXT_NAMES = {"Makefile", "Dockerfile", "run"}

# References to documents outside the repository: the spec, the style guide, the
# domain references, and issue numbers of the tracker.
OUTSIDE = re.compile(
    r"\bSPEC(?:\.md|\s*§)|\bSTYLE\.md|\bREGULATIONS\.md|speech-2023|\b[Ii]ssues?\s+#?\d+"
)
# A pointer into docs/, optionally naming a section: docs/architecture.md, "Writes"
POINTER = re.compile(r'docs/([\w-]+\.md)(?:#[\w-]+)?(?:,?\s*"([^"]+)")?')


def repository_text_files() -> list[Path]:
    found = []
    for path in ROOT.rglob("*"):
        rel = path.relative_to(ROOT)
        if any(part in SKIP_DIRS for part in rel.parts):
            continue
        if any(rel.is_relative_to(skip) for skip in SKIP_PATHS):
            continue
        if path == Path(__file__).resolve() or not path.is_file():
            continue
        if path.suffix in TEXT_SUFFIXES or path.name in TEXT_NAMES:
            found.append(path)
    return found


def test_nothing_points_outside_the_repository():
    offenders = []
    for path in repository_text_files():
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if OUTSIDE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, (
        "Point into docs/ instead of SPEC.md, STYLE.md or issue numbers:\n  "
        + "\n  ".join(offenders)
    )


def _headings(doc: Path) -> list[str]:
    return [
        line.lstrip("#").strip() for line in doc.read_text().splitlines() if line.startswith("#")
    ]


def test_every_pointer_into_docs_leads_somewhere():
    broken = []
    for path in repository_text_files():
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            for name, section in POINTER.findall(line):
                doc = DOCS / name
                where = f"{path.relative_to(ROOT)}:{number}"
                if not doc.exists():
                    broken.append(f"{where}: docs/{name} does not exist")
                elif section and not any(section in h for h in _headings(doc)):
                    broken.append(f'{where}: docs/{name} has no section "{section}"')
    assert not broken, "\n".join(broken)


def test_the_docs_exist():
    for name in ("glossary.md", "workflows.md", "architecture.md"):
        assert (DOCS / name).read_text().strip(), name
