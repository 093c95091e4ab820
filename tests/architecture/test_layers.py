"""The apps' floors hold (docs/architecture.md, "Apps and floors"): config < accounts <
enterprises < hazards < inspections < dashboard < demo, imports going down only, at
module level or inside a function. The contract is import-linter's, in pyproject.toml;
``make test`` runs ``lint-imports`` and this test runs it too, so plain pytest catches a
new upward import."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def lint_imports(*args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(exe), "--no-logo", "--no-cache", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_apps_import_downwards_only():
    result = lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout
