"""Every inspections route is in the OpenAPI schema."""


def test_inspection_routes_are_in_the_schema(world, api):
    res = api(world.bureau).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert res.status_code == 200
    import json

    paths = json.loads(res.content)["paths"]
    for path in (
        "/api/v1/inspections/",
        "/api/v1/inspections/{id}/",
        "/api/v1/inspections/{id}/finalize/",
        "/api/v1/inspections/{id}/items/",
        "/api/v1/inspections/{id}/items/{item_id}/",
        "/api/v1/inspections/{id}/follow-up/",
        "/api/v1/inspections/{id}/follow-up/{hazard_id}/",
        "/api/v1/inspections/{id}/notice.pdf",
        "/api/v1/checklists/",
        "/api/v1/checklists/{id}/",
        "/api/v1/campaigns/",
        "/api/v1/campaigns/{id}/",
    ):
        assert path in paths, path
    item = paths["/api/v1/inspections/{id}/items/{item_id}/"]["patch"]
    assert "multipart/form-data" in item["requestBody"]["content"]
    notice = paths["/api/v1/inspections/{id}/notice.pdf"]["get"]
    assert "application/pdf" in notice["responses"]["200"]["content"]
