import pytest
from django.db import OperationalError


@pytest.mark.django_db
def test_database_outage_is_a_503_with_a_chinese_message(world, api, monkeypatch):
    from enterprises import api as enterprises_api

    def down(self):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(enterprises_api.EnterpriseViewSet, "get_queryset", down)
    resp = api(world.bureau).get("/api/v1/enterprises/")
    assert resp.status_code == 503
    assert resp["Retry-After"] == "5"
    assert "数据库暂时不可用" in resp.json()["detail"]
