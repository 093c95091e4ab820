"""The claim shared by the sweeps: INSERT … ON CONFLICT DO NOTHING RETURNING, and the
batch sizes of their phase-1 transactions (see hazards/sweeps/__init__.py)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, models

# Rows per phase-1 transaction. A backlog larger than this (first deploy over an
# old ledger) is worked off in several transactions of constant query count each.
BATCH_SIZE = 1000
MAX_BATCHES = 10_000


def insert_returning(
    objs: list[models.Model], *, conflict: Iterable[str], returning: Iterable[str]
) -> list[tuple]:
    """Insert the unsaved instances ``objs`` (all of one model), skipping any that
    violate the unique constraint on ``conflict``; return the ``returning`` columns of
    the rows this statement really inserted.

    That return value is the claim: PostgreSQL and SQLite (3.35+) both report only
    the inserted rows, so whoever inserted a row — and nobody else — goes on to
    write its event and notification. (``bulk_create(ignore_conflicts=True)`` cannot
    say which rows it inserted.) One query, whatever the number of rows (SQLite
    splits beyond its bind-parameter cap, tens of thousands of rows).
    """
    if not objs:
        return []
    opts = objs[0]._meta
    qn = connection.ops.quote_name
    # The columns bulk_create would write: every concrete field but the serial key.
    fields = [f for f in opts.concrete_fields if not f.primary_key]
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    head = f"INSERT INTO {qn(opts.db_table)} ({', '.join(qn(f.column) for f in fields)}) VALUES "
    tail = (
        f" ON CONFLICT ({', '.join(qn(opts.get_field(n).column) for n in conflict)}) DO NOTHING"
        f" RETURNING {', '.join(qn(opts.get_field(n).column) for n in returning)}"
    )
    # Chunked only where the backend caps bind parameters (SQLite), as bulk_create is.
    size = max(1, connection.ops.bulk_batch_size(fields, objs))
    inserted: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            chunk = objs[start : start + size]
            params = [
                f.get_db_prep_save(f.pre_save(obj, True), connection)
                for obj in chunk
                for f in fields
            ]
            cursor.execute(head + ", ".join([row_sql] * len(chunk)) + tail, params)
            inserted.extend(cursor.fetchall())
    return inserted
