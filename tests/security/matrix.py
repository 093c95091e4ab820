"""Walk the URL resolver and call every route as every role (the permission matrix)."""

import re

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token

from accounts import policy
from accounts.models import Role

ROLES = [
    "anon",
    "bureau",
    "inspector",
    "inspector_other",
    "owner",
    "peer",
    "leader_a",
    "leader_other",
]
# Each actor's role: the key of the policy's role tables.
ACTOR_ROLES = {
    "bureau": Role.BUREAU,
    "inspector": Role.INSPECTOR,
    "inspector_other": Role.INSPECTOR,
    "owner": Role.ENTERPRISE,
    "peer": Role.ENTERPRISE,
    "leader_a": Role.LEADER,
    "leader_other": Role.LEADER,
}
# The actors to whom enterprise A's objects are out of scope (the matrix world).
UNSEEN = frozenset({"inspector_other", "peer", "leader_other"})
SKIP_PREFIXES = ("admin/", "i18n/", "api/schema/", "api/docs/", "api/redoc/", "static/")
WRITE_METHODS = ("post", "put", "patch", "delete")


def _clean(route: str) -> str:
    route = route.replace("^", "").replace("$", "")
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)
    route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
    return route


def routes() -> dict[str, object]:
    """Every routable path (format-suffix duplicates left out) → its view callback."""
    found: dict[str, object] = {}

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                path = _clean(prefix + str(p.pattern))
                if "{format}" in path or path.startswith(SKIP_PREFIXES):
                    continue
                found.setdefault(path, p.callback)

    walk(get_resolver().url_patterns)
    return found


def methods_of(callback) -> list[str]:
    actions = getattr(callback, "actions", None)
    if actions:
        return sorted(m for m in actions if m != "head")
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if cls is not None:
        names = [m for m in ("get", "post", "put", "patch", "delete") if hasattr(cls, m)]
        return names or ["get"]
    return ["get", "post"]  # function views: try both


def url_for(path: str, w) -> str:
    ids = {
        "hazards/{pk}": w.hazard_a.pk,
        "evidence/{pk}": w.evidence_a.pk,
        "escalations/{pk}": w.escalation_a.pk,
        "notifications/{pk}": w.notification_a.pk,
        "enterprises/{pk}": w.ent_a.pk,
        "townships/{pk}": w.t1.pk,
        "departments/{pk}": w.bureau_dept.pk,
        "checklists/{pk}": w.template.pk,
        "campaigns/{pk}": w.campaign.pk,
    }
    url = "/" + path
    if "notice.pdf" in path:
        url = url.replace("{pk}", str(w.inspection_done.pk))
    for key, value in ids.items():
        if key in path:
            url = url.replace(key, key.replace("{pk}", str(value)))
    url = url.replace("inspections/{pk}", f"inspections/{w.inspection_a.pk}")
    url = url.replace("{item_id}", str(w.item_a.pk)).replace("{item_pk}", str(w.item_a.pk))
    url = url.replace("{hazard_id}", str(w.hazard_a.pk)).replace("{hazard_pk}", str(w.hazard_a.pk))
    url = url.replace("{enterprise_pk}", str(w.ent_a.pk))
    assert "{" not in url, f"no object for {path}"
    return url


def client_for(role: str, w, *, api: bool) -> Client:
    client = Client()
    if role == "anon":
        return client
    user = getattr(w, role)
    if api:
        token, _ = Token.objects.get_or_create(user=user)
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    else:
        client.force_login(user)
    return client


def call(client: Client, method: str, url: str) -> int:
    """Reads as they are; writes with an empty body, so an allowed write is refused by
    validation (400, or a re-rendered form) and nothing changes."""
    if method == "get":
        return client.get(url).status_code
    if url.startswith("/api/"):
        return getattr(client, method)(url, data="{}", content_type="application/json").status_code
    return getattr(client, method)(url, data={}).status_code


def step(
    permission: str,
    ok: int,
    *,
    page: bool = False,
    unseen: frozenset[str] = frozenset(),
    scope_first: bool = False,
) -> tuple[int, ...]:
    """The expected row of a route that takes a policy step: who may take it comes from
    the policy's role table (one place), the rest is this matrix's own spec.

    Anonymous: 302 to the login page (``page``) or 401. A role the table does not list
    for ``permission``: 403 — after the lookup when ``scope_first`` (an actor in
    ``unseen`` then gets 404 whatever his role). A listed role: 404 for an actor in
    ``unseen``, else ``ok`` (an empty body's 400, a re-rendered form's 200 …).
    """
    allowed = policy.roles(permission)
    row = [302 if page else 401]
    for actor in ROLES[1:]:
        if actor in unseen and (scope_first or ACTOR_ROLES[actor] in allowed):
            row.append(404)
        elif ACTOR_ROLES[actor] not in allowed:
            row.append(403)
        else:
            row.append(ok)
    return tuple(row)
