"""Production settings pass `check --deploy`; responses carry the security headers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "APP_ENV": "production",
    "SECRET_KEY": "a-production-grade-secret-key-that-is-long-and-random-9f8e7d6c5b4a39281706",
    "ALLOWED_HOSTS": "ledger.example.gov.cn",
}


def test_check_deploy_reports_nothing_with_production_settings(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "APP_ENV", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(PRODUCTION_ENV, VAR_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_security_headers_on_pages_and_api(client):
    for url in ("/login/", "/api/v1/townships/", "/healthz"):
        resp = client.get(url)
        assert resp["X-Content-Type-Options"] == "nosniff", url
        assert resp["Referrer-Policy"] == "same-origin", url
        assert resp["X-Frame-Options"] == "DENY", url
    csp = client.get("/login/")["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "http" not in csp.replace("https:", "")  # no other host is allowed


def test_production_turns_on_hsts_and_secure_cookies(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "APP_ENV", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(PRODUCTION_ENV, VAR_DIR=str(tmp_path))
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz', secure=True, HTTP_HOST='ledger.example.gov.cn');"
        "print(r.headers.get('Strict-Transport-Security'));"
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT);"
        "r = Client().get('/healthz', HTTP_HOST='ledger.example.gov.cn');"
        "print(r.status_code, r.headers.get('Location'))"
    )
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    lines = out.stdout.strip().splitlines()
    assert lines[-3].startswith("max-age=31536000"), out.stdout + out.stderr
    assert "includeSubDomains" in lines[-3]
    assert lines[-2] == "True True True"
    assert lines[-1] == "301 https://ledger.example.gov.cn/healthz"
