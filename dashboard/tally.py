"""HazardTally upkeep outside the triggers (PostgreSQL): rebuild and drift check.

The triggers of migration 0003_dashboard_tally keep the tally exact as hazards change.
A load that bypasses triggers (seed_bulk's COPY with ``session_replication_role =
replica``, a restore with triggers disabled) must call ``rebuild_tally()`` afterwards;
``tally_drift()`` says whether tally and hazard rows agree (``manage.py dashboard_tally``).
The projection below is the trigger's (the migration keeps its own frozen copy; a test
holds them equal).
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection, transaction

KEY = (
    "created_month, township_id, department_id, industry, level, state, closed_on_time, "
    "closed_month"
)


def _recomputed_sql() -> str:
    tz = settings.TIME_ZONE
    return (
        f"SELECT (date_trunc('month', r.created_at AT TIME ZONE '{tz}'))::date AS created_month, "
        "r.township_id, r.department_id, r.industry, r.level, r.state, "
        "COALESCE(r.closed_on_time, false) AS closed_on_time, "
        f"COALESCE((date_trunc('month', r.closed_at AT TIME ZONE '{tz}'))::date, "
        "DATE '1970-01-01') AS closed_month, COUNT(*) AS n "
        "FROM hazards_hazard r WHERE r.state IN ('closed', 'voided') "
        "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"
    )


def available() -> bool:
    return connection.vendor == "postgresql"


@transaction.atomic
def rebuild_tally() -> int:
    """Recompute the tally from the hazard rows; returns the number of tally rows."""
    if not available():
        return 0
    with connection.cursor() as cursor:
        # Whoever else is closing a hazard waits for us: the new counts include theirs.
        cursor.execute("LOCK TABLE hazards_hazardtally IN EXCLUSIVE MODE")
        cursor.execute("DELETE FROM hazards_hazardtally")
        cursor.execute(f"INSERT INTO hazards_hazardtally ({KEY}, n) {_recomputed_sql()}")
        return cursor.rowcount


def tally_drift() -> int:
    """How many keys differ between the tally and the hazard rows (0: exact)."""
    if not available():
        return 0
    key_cols = [c.strip() for c in KEY.split(",")]
    join = " AND ".join(f"t.{c} = r.{c}" for c in key_cols)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM (SELECT {KEY}, SUM(n) AS n FROM hazards_hazardtally "
            f"GROUP BY {KEY} HAVING SUM(n) <> 0) t "
            f"FULL OUTER JOIN ({_recomputed_sql()}) r ON {join} "
            "WHERE t.n IS DISTINCT FROM r.n"
        )
        return cursor.fetchone()[0]
