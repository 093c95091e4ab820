import pytest
from django.db import connection

from config.celery import app as celery_app


@pytest.mark.django_db
def test_healthz_ok_when_database_and_broker_are_up(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_names_the_broker_when_it_is_down(client, monkeypatch):
    # Port 1 on loopback: nothing listens there.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    resp = client.get("/healthz")
    assert resp.status_code == 503
    assert resp.json()["broker"] == "down"
    assert resp.json()["database"] == "ok"


@pytest.mark.django_db
def test_healthz_names_the_database_when_it_is_down(client, monkeypatch):
    from config import health

    def broken_cursor():
        raise RuntimeError("database down")

    monkeypatch.setattr(health.connection, "cursor", broken_cursor)
    resp = client.get("/healthz")
    assert resp.status_code == 503
    assert resp.json()["database"] == "down"


@pytest.mark.postgres  # skipped locally without DATABASE_URL; required in CI
@pytest.mark.django_db
def test_suite_runs_on_the_configured_postgresql():
    assert connection.vendor == "postgresql"


@pytest.mark.redis  # skipped locally without REDIS_URL; required in CI
def test_celery_uses_the_configured_redis():
    assert celery_app.conf.broker_url.startswith("redis://")
