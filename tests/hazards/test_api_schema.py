"""The OpenAPI schema documents every ledger endpoint with its bodies."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/v1/hazards/": {"get", "post"},
    "/api/v1/hazards/{id}/": {"get"},
    "/api/v1/hazards/{id}/submit/": {"post"},
    "/api/v1/hazards/{id}/review/": {"post"},
    "/api/v1/hazards/{id}/extend/": {"post"},
    "/api/v1/hazards/{id}/void/": {"post"},
    "/api/v1/hazards/{id}/level/": {"post"},
    "/api/v1/hazards/{id}/events/": {"get"},
    "/api/v1/hazards/{id}/evidence/": {"get"},
    "/api/v1/hazards/export/": {"get"},
    "/api/v1/evidence/{id}/": {"get"},
    "/api/v1/evidence/{id}/file/": {"get"},
}


def test_schema_generates_without_warnings_and_validates(tmp_path):
    # The same check as `manage.py spectacular --validate --fail-on-warn` in CI.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )


@pytest.fixture
def schema(world, api):
    resp = api(world.bureau).get("/api/schema/", {"format": "json"})
    assert resp.status_code == 200
    return resp.json()


def test_every_ledger_path_and_method_is_documented(schema):
    for path, methods in PATHS.items():
        assert path in schema["paths"], path
        documented = set(schema["paths"][path]) - {"parameters"}
        assert documented == methods, path
    # Nothing in the ledger can be edited in place or deleted.
    for path in PATHS:
        assert not {"put", "patch", "delete"} & set(schema["paths"][path])


def _ref_name(media: dict) -> str:
    return media["schema"]["$ref"].rsplit("/", 1)[-1]


def test_transitions_document_request_and_responses(schema):
    for action, multipart in [
        ("submit", True),
        ("review", True),
        ("extend", False),
        ("void", False),
        ("level", False),
    ]:
        op = schema["paths"][f"/api/v1/hazards/{{id}}/{action}/"]["post"]
        content = op["requestBody"]["content"]
        assert "application/json" in content, action
        if multipart:
            assert "multipart/form-data" in content, action
        assert set(op["responses"]) >= {"200", "400", "404", "409"}, action
        assert _ref_name(op["responses"]["200"]["content"]["application/json"]) == "Hazard"

    submit = schema["paths"]["/api/v1/hazards/{id}/submit/"]["post"]["requestBody"]["content"]
    body = schema["components"]["schemas"][_ref_name(submit["multipart/form-data"])]
    assert body["required"] == ["note"]
    assert body["properties"]["evidence"]["items"]["format"] == "binary"


def test_create_list_export_and_file_responses(schema):
    create = schema["paths"]["/api/v1/hazards/"]["post"]
    assert "multipart/form-data" in create["requestBody"]["content"]
    assert "201" in create["responses"]
    hazard = schema["components"]["schemas"]["Hazard"]["properties"]
    assert {"code", "is_overdue", "escalated", "responsible_person_name"} <= set(hazard)

    listing = schema["paths"]["/api/v1/hazards/"]["get"]
    names = {p["name"] for p in listing["parameters"]}
    assert names >= {
        "state", "level", "enterprise", "township", "department", "industry", "overdue",
        "escalated", "deadline_before", "deadline_after", "q", "ordering", "page", "page_size",
    }  # fmt: skip

    export = schema["paths"]["/api/v1/hazards/export/"]["get"]
    assert {p["name"] for p in export["parameters"]} >= {"state", "overdue", "q"}
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert export["responses"]["200"]["content"][xlsx]["schema"]["format"] == "binary"

    photo = schema["paths"]["/api/v1/evidence/{id}/file/"]["get"]["responses"]["200"]
    assert {"image/jpeg", "image/png", "image/webp"} <= set(photo["content"])

    for path, name in [
        ("/api/v1/hazards/{id}/events/", "PaginatedHazardEventList"),
        ("/api/v1/hazards/{id}/evidence/", "PaginatedEvidenceList"),
    ]:
        ok = schema["paths"][path]["get"]["responses"]["200"]
        assert _ref_name(ok["content"]["application/json"]) == name
