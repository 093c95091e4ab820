"""Start-up refuses bad configuration with a message naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _check(**env) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "APP_ENV", "SECRET_KEY"}}
    full.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "name,value",
    [
        ("DEBUG", "maybe"),
        ("ESCALATION_FAILURE_THRESHOLD", "two"),
        ("ESCALATION_SWEEP_SECONDS", "0"),
        ("DATABASE_URL", "nosuchdb://x"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("APP_ENV", "staging"),
    ],
)
def test_invalid_value_stops_start_up_naming_the_variable(name, value):
    result = _check(**{name: value})
    assert result.returncode != 0
    assert name in result.stderr


def test_production_refuses_to_start_without_secret_key():
    result = _check(APP_ENV="production", ALLOWED_HOSTS="ledger.example")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_debug_is_off_by_default():
    from django.conf import settings

    assert "DEBUG" in os.environ or settings.DEBUG is False


def test_time_zone_and_language():
    from django.conf import settings

    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "zh-hans"
