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

A route that takes a policy step is written ``step("hazards.void", 400, unseen=UNSEEN)``
(tests/security/matrix.py): which roles get past the 403 comes from the policy's role
table, the one place that says it; who is out of scope and what an allowed call gets
are this table's own expectations.
"""

import io

import pytest
from openpyxl import load_workbook

from hazards.models import Hazard
from tests.security import matrix, matrix_world
from tests.security.matrix import UNSEEN, step

pytestmark = pytest.mark.django_db

# escalation_a is seen by the bureau and by its addressee, leader_a, only.
NOT_ADDRESSED = frozenset(matrix.ROLES[1:]) - {"bureau", "leader_a"}

#   method, route                                anon bureau insp insp_o owner peer lead_a lead_o
TABLE = {
    ("GET", ""): (302, 200, 200, 200, 200, 200, 200, 200),
    ("POST", ""): (302, 405, 405, 405, 405, 405, 405, 405),
    ("POST", "api/v1/auth/token/"): (400, 400, 400, 400, 400, 400, 400, 400),
    ("GET", "api/v1/campaigns/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("POST", "api/v1/campaigns/"): step("inspections.create_campaign", 400),
    ("GET", "api/v1/campaigns/{pk}/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("PATCH", "api/v1/campaigns/{pk}/"): step("inspections.edit_campaign", 200),
    ("PUT", "api/v1/campaigns/{pk}/"): step("inspections.edit_campaign", 405),
    ("GET", "api/v1/checklists/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "api/v1/checklists/{pk}/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "api/v1/dashboard/summary/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "api/v1/departments/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "api/v1/departments/{pk}/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "api/v1/enterprises/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("POST", "api/v1/enterprises/"): step("enterprises.create", 400),
    ("GET", "api/v1/enterprises/{pk}/"): (401, 200, 200, 404, 200, 404, 200, 404),
    ("PATCH", "api/v1/enterprises/{pk}/"): step("enterprises.edit", 200),
    ("PUT", "api/v1/enterprises/{pk}/"): step("enterprises.edit", 405),
    ("GET", "api/v1/escalations/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "api/v1/escalations/{pk}/"): (401, 200, 404, 404, 404, 404, 200, 404),
    ("POST", "api/v1/escalations/{pk}/acknowledge/"): step(
        "hazards.acknowledge_escalation", 400, unseen=NOT_ADDRESSED, scope_first=True
    ),
    ("POST", "api/v1/escalations/{pk}/resolve/"): step(
        "hazards.resolve_escalation", 400, unseen=NOT_ADDRESSED, scope_first=True
    ),
    ("GET", "api/v1/evidence/{pk}/"): step("hazards.download_evidence", 200, unseen=UNSEEN),
    ("GET", "api/v1/evidence/{pk}/file/"): step("hazards.download_evidence", 200, unseen=UNSEEN),
    ("GET", "api/v1/hazards/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("POST", "api/v1/hazards/"): step("hazards.register", 400),
    ("GET", "api/v1/hazards/export/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "api/v1/hazards/{pk}/"): (401, 200, 200, 404, 200, 404, 200, 404),
    ("GET", "api/v1/hazards/{pk}/events/"): (401, 200, 200, 404, 200, 404, 200, 404),
    ("GET", "api/v1/hazards/{pk}/evidence/"): (401, 200, 200, 404, 200, 404, 200, 404),
    ("POST", "api/v1/hazards/{pk}/extend/"): step("hazards.extend", 400, unseen=UNSEEN),
    ("POST", "api/v1/hazards/{pk}/level/"): step("hazards.change_level", 400, unseen=UNSEEN),
    ("POST", "api/v1/hazards/{pk}/review/"): step("hazards.review", 400, unseen=UNSEEN),
    ("POST", "api/v1/hazards/{pk}/submit/"): step("hazards.submit", 400, unseen=UNSEEN),
    ("POST", "api/v1/hazards/{pk}/void/"): step("hazards.void", 400, unseen=UNSEEN),
    ("GET", "api/v1/inspections/"): step("inspections.view", 200),
    ("POST", "api/v1/inspections/"): step("inspections.start", 400),
    ("GET", "api/v1/inspections/{pk}/"): step("inspections.view", 200, unseen=UNSEEN),
    ("PATCH", "api/v1/inspections/{pk}/"): step("inspections.edit", 200, unseen=UNSEEN),
    ("POST", "api/v1/inspections/{pk}/finalize/"): step("inspections.finalize", 400, unseen=UNSEEN),
    ("GET", "api/v1/inspections/{pk}/follow-up/"): step(
        "inspections.view_follow_up", 409, unseen=UNSEEN
    ),
    ("POST", "api/v1/inspections/{pk}/follow-up/{hazard_id}/"): step(
        "inspections.follow_up", 409, unseen=UNSEEN
    ),
    ("GET", "api/v1/inspections/{pk}/items/"): step("inspections.view", 200, unseen=UNSEEN),
    ("GET", "api/v1/inspections/{pk}/items/{item_id}/"): step(
        "inspections.view", 200, unseen=UNSEEN
    ),
    ("PATCH", "api/v1/inspections/{pk}/items/{item_id}/"): step(
        "inspections.record_item", 400, unseen=UNSEEN
    ),
    ("GET", "api/v1/inspections/{pk}/notice.pdf"): step(
        "inspections.print_notice", 200, unseen=UNSEEN
    ),
    ("GET", "api/v1/me/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "api/v1/notifications/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "api/v1/notifications/{pk}/"): (401, 404, 404, 404, 200, 404, 404, 404),
    ("POST", "api/v1/notifications/{pk}/read/"): (401, 404, 404, 404, 200, 404, 404, 404),
    ("GET", "api/v1/townships/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "api/v1/townships/{pk}/"): (401, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "dashboard/"): (302, 200, 200, 200, 200, 200, 200, 200),
    ("POST", "dashboard/"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("GET", "escalations/"): step("hazards.view_escalations", 200, page=True),
    ("POST", "escalations/"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("GET", "escalations/{pk}/"): step("hazards.view_escalations", 200, page=True, unseen=UNSEEN),
    ("POST", "escalations/{pk}/"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("GET", "escalations/{pk}/acknowledge/"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("POST", "escalations/{pk}/acknowledge/"): step(
        "hazards.acknowledge_escalation", 200, page=True, unseen=UNSEEN
    ),
    ("GET", "escalations/{pk}/resolve/"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("POST", "escalations/{pk}/resolve/"): step(
        "hazards.resolve_escalation", 200, page=True, unseen=UNSEEN
    ),
    ("GET", "hazards/"): (302, 200, 200, 200, 200, 200, 200, 200),
    ("POST", "hazards/"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("GET", "hazards/new/"): step("hazards.register", 200, page=True),
    ("POST", "hazards/new/"): step("hazards.register", 200, page=True),
    ("GET", "hazards/{pk}/"): (302, 200, 200, 404, 200, 404, 200, 404),
    ("POST", "hazards/{pk}/"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("GET", "hazards/{pk}/extend/"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("POST", "hazards/{pk}/extend/"): step("hazards.extend", 200, page=True, unseen=UNSEEN),
    ("GET", "hazards/{pk}/review/"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("POST", "hazards/{pk}/review/"): step("hazards.review", 200, page=True, unseen=UNSEEN),
    ("GET", "hazards/{pk}/submit/"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("POST", "hazards/{pk}/submit/"): step("hazards.submit", 302, page=True, unseen=UNSEEN),
    ("GET", "hazards/{pk}/void/"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("POST", "hazards/{pk}/void/"): step("hazards.void", 200, page=True, unseen=UNSEEN),
    ("GET", "healthz"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("POST", "healthz"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("GET", "inspections/"): step("inspections.view", 200, page=True),
    ("POST", "inspections/"): step("inspections.view", 405, page=True),
    ("GET", "inspections/campaigns/"): step("inspections.view", 200, page=True),
    ("POST", "inspections/campaigns/"): step("inspections.view", 405, page=True),
    ("GET", "inspections/campaigns/{pk}/"): step("inspections.view", 200, page=True),
    ("POST", "inspections/campaigns/{pk}/"): step("inspections.view", 405, page=True),
    ("GET", "inspections/new/"): step("inspections.start", 200, page=True),
    ("POST", "inspections/new/"): step("inspections.start", 200, page=True),
    ("GET", "inspections/new/{enterprise_pk}/"): step(
        "inspections.start", 200, page=True, unseen=UNSEEN
    ),
    ("POST", "inspections/new/{enterprise_pk}/"): step(
        "inspections.start", 200, page=True, unseen=UNSEEN
    ),
    ("GET", "inspections/{pk}/"): step("inspections.view", 200, page=True, unseen=UNSEEN),
    ("POST", "inspections/{pk}/"): step("inspections.view", 200, page=True, unseen=UNSEEN),
    ("GET", "inspections/{pk}/finalize/"): step("inspections.finalize", 405, page=True),
    ("POST", "inspections/{pk}/finalize/"): step(
        "inspections.finalize", 200, page=True, unseen=UNSEEN
    ),
    ("GET", "inspections/{pk}/follow-up/{hazard_pk}/"): step(
        "inspections.follow_up", 404, page=True
    ),
    ("POST", "inspections/{pk}/follow-up/{hazard_pk}/"): step(
        "inspections.follow_up", 404, page=True
    ),
    ("GET", "inspections/{pk}/hazards/new/"): step(
        "inspections.log_hazard", 200, page=True, unseen=UNSEEN
    ),
    ("POST", "inspections/{pk}/hazards/new/"): step(
        "inspections.log_hazard", 200, page=True, unseen=UNSEEN
    ),
    ("GET", "inspections/{pk}/items/{item_pk}/"): step(
        "inspections.record_item", 200, page=True, unseen=UNSEEN
    ),
    ("POST", "inspections/{pk}/items/{item_pk}/"): step(
        "inspections.record_item", 200, page=True, unseen=UNSEEN
    ),
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
