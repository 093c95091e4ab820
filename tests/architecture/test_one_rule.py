"""One rule, one place: who may take a step, and when, is written in the policy modules
(accounts/policy.py and each app's policy.py) and nowhere else.

The test reads the source (not tests/, bench/ or migrations) and fails on a role list,
a comparison of someone's role, a superuser check, a role filter that does not ask the
policy, or the on-site deadline rule written out again. Scopes (``visible_to``, the
dashboard's ``tally_scope``) and the home page's dispatch ask the role predicates of
accounts/policy.py like everything else; the few exceptions are listed in ALLOWED, by
file and function, with the reason, and each must still excuse something.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {"tests", "bench", "migrations", ".venv", "node_modules", "static", "var"}
# Where the rules live: they may say anything.
POLICY_MODULES = {
    "accounts/policy.py",
    "hazards/policy.py",
    "inspections/policy.py",
    "enterprises/policy.py",
    "hazards/predicates.py",  # what "overdue" and "may fail on site" mean
}
ROLE_NAMES = {"bureau", "inspector", "enterprise", "leader"}
# Functions that may switch on the role, by file, and why.
ALLOWED = {
    ("accounts/models.py", "clean"): "which fields an account of each role must have",
}


def _sources() -> list[Path]:
    out = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if SKIP_DIRS & set(rel.parts) or rel.as_posix() in POLICY_MODULES:
            continue
        out.append(path)
    return out


def _role_named(node: ast.AST) -> str | None:
    """The role a literal names (``Role.BUREAU`` or ``"bureau"``), if any."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return node.attr.lower() if node.value.id == "Role" else None
    if isinstance(node, ast.Constant) and node.value in ROLE_NAMES:
        return node.value
    return None


def _is_role_attribute(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "role"


def _asks_policy(node: ast.AST) -> bool:
    """``policy.roles("…")``: the role set read from the policy."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "roles"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "policy"
    )


def _mentions_today(node: ast.AST) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and "today" in sub.id:
            return True
        if isinstance(sub, ast.Attribute) and "today" in sub.attr:
            return True
    return False


class _Finder(ast.NodeVisitor):
    def __init__(self, rel: str):
        self.rel = rel
        self.stack: list[str] = []
        self.found: list[str] = []
        self.excused: set[tuple[str, str]] = set()

    def _exception(self) -> tuple[str, str] | None:
        return next(((self.rel, n) for n in self.stack if (self.rel, n) in ALLOWED), None)

    def _flag(self, node: ast.AST, what: str) -> None:
        exception = self._exception()
        if exception is None:
            self.found.append(f"{self.rel}:{node.lineno}: {what}")
        else:
            self.excused.add(exception)

    def visit_FunctionDef(self, node):
        self.stack.append(node.name)
        self.generic_visit(node)
        self.stack.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def _visit_collection(self, node):
        if len({_role_named(e) for e in node.elts} - {None}) >= 2:
            self._flag(node, "a list of roles")
        self.generic_visit(node)

    visit_Tuple = visit_List = visit_Set = _visit_collection

    def visit_Compare(self, node):
        operands = [node.left, *node.comparators]
        if any(_is_role_attribute(o) for o in operands):
            self._flag(node, "a comparison of a user's role")
        deadlines = [o for o in operands if isinstance(o, ast.Attribute) and o.attr == "deadline"]
        if deadlines and any(_mentions_today(o) for o in operands):
            self._flag(node, "a hazard's deadline compared with today (use hazards.predicates)")
        self.generic_visit(node)

    def visit_Attribute(self, node):
        if node.attr == "is_superuser":
            self._flag(node, "a superuser check (the policy counts a superuser as bureau)")
        self.generic_visit(node)

    def visit_Call(self, node):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name == "may_fail_on_site":
            self._flag(node, "the on-site failure rule outside hazards/policy.py")
        if name in {"filter", "exclude", "get"}:
            for kw in node.keywords:
                if kw.arg in {"role", "role__in"} and not _asks_policy(kw.value):
                    self._flag(node, f"{kw.arg}= that does not ask the policy")
        self.generic_visit(node)


def _scan() -> tuple[list[str], set[tuple[str, str]]]:
    found: list[str] = []
    excused: set[tuple[str, str]] = set()
    for path in _sources():
        rel = path.relative_to(ROOT).as_posix()
        finder = _Finder(rel)
        finder.visit(ast.parse(path.read_text(encoding="utf-8"), filename=rel))
        found.extend(finder.found)
        excused |= finder.excused
    return found, excused


def test_no_step_guard_or_role_list_outside_the_policy():
    found, _ = _scan()
    assert found == [], "\n".join(["ask the policy (accounts/policy.py) instead:", *found])


# --- templates ----------------------------------------------------------------------------

# Templates ask {% may "step" obj %} (accounts/templatetags/policy.py) or use a flag the
# view computed from the policy; they never test the viewer's role or the state rule.
TEMPLATE_RULES = [
    (re.compile(r"\buser\.role\b"), "the viewer's role"),
    (re.compile(r"\buser\.is_superuser\b"), "a superuser check"),
    (re.compile(r"{%\s*(?:el)?if[^%]*state\s*==[^%]*is_overdue"), "the on-site deadline rule"),
    (re.compile(r"{%\s*(?:el)?if[^%]*is_overdue[^%]*state\s*=="), "the on-site deadline rule"),
]
ALLOWED_TEMPLATES = {
    # The dashboard's scope caption (全县 / the department / the enterprise), not a guard.
    "templates/dashboard/dashboard.html": "the scope's caption",
}


def test_templates_ask_the_policy():
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        rel = path.relative_to(ROOT).as_posix()
        if rel in ALLOWED_TEMPLATES:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern, what in TEMPLATE_RULES:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{rel}:{line}: {what}")
    assert found == [], "\n".join(["ask {% may %} (accounts/templatetags/policy.py):", *found])


def test_the_whitelist_still_matches_something():
    """An exception that no longer excuses anything is removed, not kept 'just in case'
    (nor left behind when its function or template moves)."""
    _, excused = _scan()
    stale: list = [k for k in ALLOWED if k not in excused]
    for template in ALLOWED_TEMPLATES:
        path = ROOT / template
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        if not any(pattern.search(text) for pattern, _ in TEMPLATE_RULES):
            stale.append(template)
    assert stale == []
