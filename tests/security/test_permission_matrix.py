"""The permission matrix: every route of the site (API and pages, actions included),
called by every role and by an anonymous visitor.

The routes come from the URL resolver, so a new endpoint fails
``test_every_route_is_in_the_table`` until someone decides who may use it. The
objects belong to enterprise A (supervised by the bureau's own department) and are led
by leader_a: "inspector_other", "peer" and "leader_other" are outsiders to them.
Writes are sent with an empty body, so an allowed write answers 400 (or re-renders
its form with errors, 200) and nothing changes.

How to read a row: the expected status for
    anon, bureau, inspector, inspector_other, owner, peer, leader_a, leader_other
Rules it encodes: out-of-scope reads are 404 (like a missing object); a role that may
never take a step gets 403; anonymous API calls 401; anonymous pages redirect to login.
"""

import io

import pytest
from openpyxl import load_workbook

from hazards.models import Hazard
from tests.security import matrix, matrix_world

pytestmark = pytest.mark.django_db

#   method, route                                anon bureau insp insp_o owner peer lead_a lead_o
TABLE = {
    ("GET", ""): (302, 200, 200, 200, 200, 200, 200, 200),
    ("POST", ""): (302, 405, 405, 405, 405, 405, 405, 405),
    ("POST", "api/v1/auth/token/"): (400, 400, 400, 400, 400, 400, 400, 400),
    ("GET", "api/v1/campaigns/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("POST", "api/v1/campaigns/"): (401, 400, 403, 403, 403, 403, 403, 403),
    ("GET", "api/v1/campaigns/{pk}/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("PATCH", "api/v1/campaigns/{pk}/"): (401, 200, 403, 403, 403, 403, 403, 403),
    ("PUT", "api/v1/campaigns/{pk}/"): (401, 405, 403, 403, 403, 403, 403, 403),
    ("GET", "api/v1/checklists/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "api/v1/checklists/{pk}/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "api/v1/dashboard/summary/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "api/v1/departments/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "api/v1/departments/{pk}/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "api/v1/enterprises/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("POST", "api/v1/enterprises/"): (401, 400, 403, 403, 403, 403, 403, 403),
    ("GET", "api/v1/enterprises/{pk}/"): (401, 200, 200, 404, 200, 404, 200, 404),
    ("PATCH", "api/v1/enterprises/{pk}/"): (401, 200, 403, 403, 403, 403, 403, 403),
    ("PUT", "api/v1/enterprises/{pk}/"): (401, 405, 403, 403, 403, 403, 403, 403),
    ("GET", "api/v1/escalations/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "api/v1/escalations/{pk}/"): (401, 200, 404, 404, 404, 404, 200, 404),
    ("POST", "api/v1/escalations/{pk}/acknowledge/"): (401, 403, 404, 404, 404, 404, 400, 404),
    ("POST", "api/v1/escalations/{pk}/resolve/"): (401, 400, 404, 404, 404, 404, 403, 404),
    ("GET", "api/v1/evidence/{pk}/"): (401, 200, 200, 404, 200, 404, 200, 404),
    ("GET", "api/v1/evidence/{pk}/file/"): (401, 200, 200, 404, 200, 404, 200, 404),
    ("GET", "api/v1/hazards/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("POST", "api/v1/hazards/"): (401, 400, 400, 400, 400, 400, 403, 403),
    ("GET", "api/v1/hazards/export/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "api/v1/hazards/{pk}/"): (401, 200, 200, 404, 200, 404, 200, 404),
    ("GET", "api/v1/hazards/{pk}/events/"): (401, 200, 200, 404, 200, 404, 200, 404),
    ("GET", "api/v1/hazards/{pk}/evidence/"): (401, 200, 200, 404, 200, 404, 200, 404),
    ("POST", "api/v1/hazards/{pk}/extend/"): (401, 400, 400, 404, 403, 403, 403, 403),
    ("POST", "api/v1/hazards/{pk}/level/"): (401, 400, 400, 404, 403, 403, 403, 403),
    ("POST", "api/v1/hazards/{pk}/review/"): (401, 400, 400, 404, 403, 403, 403, 403),
    ("POST", "api/v1/hazards/{pk}/submit/"): (401, 403, 403, 403, 400, 404, 403, 403),
    ("POST", "api/v1/hazards/{pk}/void/"): (401, 400, 403, 403, 403, 403, 403, 403),
    ("GET", "api/v1/inspections/"): (401, 200, 200, 200, 403, 403, 403, 403),
    ("POST", "api/v1/inspections/"): (401, 400, 400, 400, 403, 403, 403, 403),
    ("GET", "api/v1/inspections/{pk}/"): (401, 200, 200, 404, 403, 403, 403, 403),
    ("PATCH", "api/v1/inspections/{pk}/"): (401, 200, 200, 404, 403, 403, 403, 403),
    ("POST", "api/v1/inspections/{pk}/finalize/"): (401, 400, 400, 404, 403, 403, 403, 403),
    ("GET", "api/v1/inspections/{pk}/follow-up/"): (401, 409, 409, 404, 403, 403, 403, 403),
    ("POST", "api/v1/inspections/{pk}/follow-up/{hazard_id}/"): (
        401,
        409,
        409,
        404,
        403,
        403,
        403,
        403,
    ),
    ("GET", "api/v1/inspections/{pk}/items/"): (401, 200, 200, 404, 403, 403, 403, 403),
    ("GET", "api/v1/inspections/{pk}/items/{item_id}/"): (401, 200, 200, 404, 403, 403, 403, 403),
    ("PATCH", "api/v1/inspections/{pk}/items/{item_id}/"): (401, 400, 400, 404, 403, 403, 403, 403),
    ("GET", "api/v1/inspections/{pk}/notice.pdf"): (401, 200, 200, 404, 403, 403, 403, 403),
    ("GET", "api/v1/me/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "api/v1/notifications/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "api/v1/notifications/{pk}/"): (401, 404, 404, 404, 200, 404, 404, 404),
    ("POST", "api/v1/notifications/{pk}/read/"): (401, 404, 404, 404, 200, 404, 404, 404),
    ("GET", "api/v1/townships/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "api/v1/townships/{pk}/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "dashboard/"): (302, 200, 200, 200, 200, 200, 200, 200),
    ("POST", "dashboard/"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("GET", "escalations/"): (302, 200, 403, 403, 403, 403, 200, 200),
    ("POST", "escalations/"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("GET", "escalations/{pk}/"): (302, 200, 403, 403, 403, 403, 200, 404),
    ("POST", "escalations/{pk}/"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("GET", "escalations/{pk}/acknowledge/"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("POST", "escalations/{pk}/acknowledge/"): (302, 403, 403, 403, 403, 403, 200, 404),
    ("GET", "escalations/{pk}/resolve/"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("POST", "escalations/{pk}/resolve/"): (302, 200, 403, 403, 403, 403, 403, 403),
    ("GET", "hazards/"): (302, 200, 200, 200, 200, 200, 200, 200),
    ("POST", "hazards/"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("GET", "hazards/new/"): (302, 200, 200, 200, 200, 200, 403, 403),
    ("POST", "hazards/new/"): (302, 200, 200, 200, 200, 200, 403, 403),
    ("GET", "hazards/{pk}/"): (302, 200, 200, 404, 200, 404, 200, 404),
    ("POST", "hazards/{pk}/"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("GET", "hazards/{pk}/extend/"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("POST", "hazards/{pk}/extend/"): (302, 200, 200, 404, 403, 403, 403, 403),
    ("GET", "hazards/{pk}/review/"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("POST", "hazards/{pk}/review/"): (302, 200, 200, 404, 403, 403, 403, 403),
    ("GET", "hazards/{pk}/submit/"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("POST", "hazards/{pk}/submit/"): (302, 403, 403, 403, 302, 404, 403, 403),
    ("GET", "hazards/{pk}/void/"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("POST", "hazards/{pk}/void/"): (302, 200, 403, 403, 403, 403, 403, 403),
    ("GET", "healthz"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("POST", "healthz"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "inspections/"): (302, 200, 200, 200, 403, 403, 403, 403),
    ("POST", "inspections/"): (302, 405, 405, 405, 403, 403, 403, 403),
    ("GET", "inspections/campaigns/"): (302, 200, 200, 200, 403, 403, 403, 403),
    ("POST", "inspections/campaigns/"): (302, 405, 405, 405, 403, 403, 403, 403),
    ("GET", "inspections/campaigns/{pk}/"): (302, 200, 200, 200, 403, 403, 403, 403),
    ("POST", "inspections/campaigns/{pk}/"): (302, 405, 405, 405, 403, 403, 403, 403),
    ("GET", "inspections/new/"): (302, 200, 200, 200, 403, 403, 403, 403),
    ("POST", "inspections/new/"): (302, 200, 200, 200, 403, 403, 403, 403),
    ("GET", "inspections/new/{enterprise_pk}/"): (302, 200, 200, 404, 403, 403, 403, 403),
    ("POST", "inspections/new/{enterprise_pk}/"): (302, 200, 200, 404, 403, 403, 403, 403),
    ("GET", "inspections/{pk}/"): (302, 200, 200, 404, 403, 403, 403, 403),
    ("POST", "inspections/{pk}/"): (302, 200, 200, 404, 403, 403, 403, 403),
    ("GET", "inspections/{pk}/finalize/"): (302, 405, 405, 405, 403, 403, 403, 403),
    ("POST", "inspections/{pk}/finalize/"): (302, 200, 200, 404, 403, 403, 403, 403),
    ("GET", "inspections/{pk}/follow-up/{hazard_pk}/"): (302, 404, 404, 404, 403, 403, 403, 403),
    ("POST", "inspections/{pk}/follow-up/{hazard_pk}/"): (302, 404, 404, 404, 403, 403, 403, 403),
    ("GET", "inspections/{pk}/hazards/new/"): (302, 200, 200, 404, 403, 403, 403, 403),
    ("POST", "inspections/{pk}/hazards/new/"): (302, 200, 200, 404, 403, 403, 403, 403),
    ("GET", "inspections/{pk}/items/{item_pk}/"): (302, 200, 200, 404, 403, 403, 403, 403),
    ("POST", "inspections/{pk}/items/{item_pk}/"): (302, 200, 200, 404, 403, 403, 403, 403),
    ("GET", "login/"): (200, 302, 302, 302, 302, 302, 302, 302),
    ("POST", "login/"): (200, 302, 302, 302, 302, 302, 302, 302),
    ("PUT", "login/"): (200, 302, 302, 302, 302, 302, 302, 302),
    ("GET", "logout/"): (405, 405, 405, 405, 405, 405, 405, 405),
    ("POST", "logout/"): (302, 302, 302, 302, 302, 302, 302, 302),
    ("GET", "notifications/"): (302, 200, 200, 200, 200, 200, 200, 200),
    ("POST", "notifications/"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("GET", "notifications/read-all/"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("POST", "notifications/read-all/"): (302, 302, 302, 302, 302, 302, 302, 302),
    ("GET", "notifications/{pk}/open/"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("POST", "notifications/{pk}/open/"): (302, 404, 404, 404, 302, 404, 404, 404),
    ("GET", "notifications/{pk}/read/"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("POST", "notifications/{pk}/read/"): (302, 404, 404, 404, 302, 404, 404, 404),
}


@pytest.fixture
def w(world):
    return matrix_world.build(world)


def test_every_route_is_in_the_table():
    found = {
        (method.upper(), path)
        for path, callback in matrix.routes().items()
        for method in matrix.methods_of(callback)
        if path != "api/v1/"  # DRF's browsable root: a list of links, nothing scoped
    }
    assert found - set(TABLE) == set(), "new routes: add them to TABLE"
    assert set(TABLE) - found == set(), "routes gone: remove them from TABLE"


@pytest.mark.parametrize("method,path", sorted(TABLE))
def test_each_role_gets_exactly_what_the_table_says(w, method, path):
    url = matrix.url_for(path, w)
    got = tuple(
        matrix.call(matrix.client_for(role, w, api=path.startswith("api/")), method.lower(), url)
        for role in matrix.ROLES
    )
    assert got == TABLE[(method, path)], dict(zip(matrix.ROLES, got, strict=True))


# Which enterprises' hazards each role may see (written out, not derived from the code).
VISIBLE = {
    "bureau": {"ent_a", "ent_b", "ent_c"},
    "inspector": {"ent_a", "ent_b", "ent_c"},
    "inspector_other": {"ent_b"},
    "owner": {"ent_a"},
    "peer": {"ent_b"},
    "leader_a": {"ent_a"},
    "leader_other": set(),  # a leader of no township or enterprise, leading nothing
}


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_no_list_count_or_export_includes_an_out_of_scope_row(w, role):
    f_ent = {name: getattr(w, name).pk for name in ("ent_a", "ent_b", "ent_c")}
    allowed = {f_ent[name] for name in VISIBLE[role]}
    expected = Hazard.objects.filter(enterprise_id__in=allowed).count()
    client = matrix.client_for(role, w, api=True)

    rows = client.get("/api/v1/hazards/?page_size=200").json()
    assert rows["count"] == expected
    assert {r["enterprise"] for r in rows["results"]} <= allowed
    # A filter naming an out-of-scope enterprise narrows to nothing, never widens.
    for name, pk in f_ent.items():
        if name not in VISIBLE[role]:
            assert client.get(f"/api/v1/hazards/?enterprise={pk}").json()["count"] == 0

    enterprises = client.get("/api/v1/enterprises/?page_size=200").json()["results"]
    assert {e["id"] for e in enterprises} == allowed

    summary = client.get("/api/v1/dashboard/summary/").json()
    assert summary["counts"]["total"] == expected

    export = client.get("/api/v1/hazards/export/")
    book = load_workbook(io.BytesIO(b"".join(export.streaming_content)), read_only=True)
    sheet = book.active
    names = {row[2] for row in sheet.iter_rows(min_row=3, values_only=True) if row[1]}
    allowed_names = {getattr(w, name).name for name in VISIBLE[role]}
    assert names <= allowed_names
    assert sum(1 for row in sheet.iter_rows(min_row=3, values_only=True) if row[1]) == expected

    page = matrix.client_for(role, w, api=False).get("/hazards/")
    assert page.status_code == 200
    assert page.context["page"].paginator.count == expected
