"""Login protection: 5 failures for a username from one address lock it for 15 minutes."""

import threading

import pytest
import time_machine
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone

from tests.support import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(db):
    dept = f.DepartmentFactory(name="县应急管理局", is_bureau=True)
    return f.inspector(dept, username="alice")


def _login(client, password, ip="10.0.0.1"):
    return client.post("/login/", {"username": "alice", "password": password}, REMOTE_ADDR=ip)


def test_login_page_locks_after_five_failures_with_a_chinese_message(alice):
    client = Client()
    for _ in range(4):
        assert _login(client, "wrong").status_code == 200
    resp = _login(client, "wrong")
    assert resp.status_code == 429
    assert "锁定 15 分钟" in resp.content.decode()
    # Even the right password is refused while locked.
    assert _login(client, "pw-12345").status_code == 429


def test_lock_is_per_username_and_address(alice):
    client = Client()
    for _ in range(5):
        _login(client, "wrong", ip="10.0.0.1")
    assert _login(client, "pw-12345", ip="10.0.0.1").status_code == 429
    # The same user from another address is not locked out.
    assert _login(Client(), "pw-12345", ip="10.0.0.2").status_code == 302


def test_lock_expires_after_fifteen_minutes(alice):
    client = Client()
    for _ in range(5):
        _login(client, "wrong")
    assert _login(client, "pw-12345").status_code == 429
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=16)):
        assert _login(Client(), "pw-12345").status_code == 302


def test_success_before_the_limit_resets_the_count(alice):
    client = Client()
    for _ in range(4):
        _login(client, "wrong")
    assert _login(client, "pw-12345").status_code == 302
    client = Client()
    for _ in range(4):
        assert _login(client, "wrong").status_code == 200


def test_token_endpoint_locks_too(alice, api):
    client = api()
    for _ in range(5):
        resp = client.post(
            "/api/v1/auth/token/",
            {"username": "alice", "password": "wrong"},
            format="json",
            REMOTE_ADDR="10.0.0.9",
        )
    assert resp.status_code == 429
    assert "锁定" in resp.json()["detail"]
    resp = client.post(
        "/api/v1/auth/token/",
        {"username": "alice", "password": "pw-12345"},
        format="json",
        REMOTE_ADDR="10.0.0.9",
    )
    assert resp.status_code == 429
    assert "token" not in resp.json()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_attempts_cannot_outrun_the_lock():
    dept = f.DepartmentFactory(name="县应急管理局", is_bureau=True)
    f.inspector(dept, username="alice")
    results: list[int] = []
    lock = threading.Lock()

    def attempt():
        try:
            code = (
                Client()
                .post("/login/", {"username": "alice", "password": "wrong"}, REMOTE_ADDR="10.0.0.7")
                .status_code
            )
            with lock:
                results.append(code)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=attempt) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Whatever the interleaving, once the burst is over the account is locked …
    assert (
        Client()
        .post("/login/", {"username": "alice", "password": "pw-12345"}, REMOTE_ADDR="10.0.0.7")
        .status_code
        == 429
    )
    # … and at most the first five attempts were even checked against the password.
    assert results.count(200) <= 5
