import pytest

pytestmark = pytest.mark.django_db


def test_token_then_me_shows_role(world, api):
    resp = api().post(
        "/api/v1/auth/token/",
        {"username": "inspector_housing", "password": "pw-12345"},
        format="json",
    )
    assert resp.status_code == 200
    token = resp.json()["token"]
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/me/").json()
    assert me["username"] == "inspector_housing"
    assert me["role"] == "inspector"
    assert me["department"] == world.housing.pk
    assert set(me) == {
        "id",
        "username",
        "display_name",
        "role",
        "enterprise",
        "department",
        "township",
    }


def test_wrong_password_gets_400_and_no_token(world, api):
    resp = api().post(
        "/api/v1/auth/token/", {"username": "inspector", "password": "nope"}, format="json"
    )
    assert resp.status_code == 400
    assert "token" not in resp.json()


def test_missing_fields_are_named(world, api):
    resp = api().post("/api/v1/auth/token/", {}, format="json")
    assert resp.status_code == 400
    assert {"username", "password"} <= set(resp.json())


def test_login_page_is_chinese_by_default(client):
    resp = client.get("/login/")
    assert resp.status_code == 200
    body = resp.content.decode()
    assert 'lang="zh-hans"' in body
    assert "登录隐患台帐" in body


def test_language_switch_to_english(client):
    resp = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert resp.status_code == 302
    body = client.get("/login/").content.decode()
    assert 'lang="en"' in body
    assert "Sign in" in body


def test_login_and_logout(world, client):
    resp = client.post("/login/", {"username": "user_a", "password": "pw-12345"})
    assert resp.status_code == 302
    assert client.get("/").status_code == 200
    client.post("/logout/")
    assert client.get("/").status_code == 302


def test_home_requires_login(client):
    resp = client.get("/")
    assert resp.status_code == 302
    assert resp.url.startswith("/login/")
