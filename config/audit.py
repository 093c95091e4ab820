"""Tamper-proof history on PostgreSQL, for every app (docs/architecture.md, "Trust").

An app's migration makes its history tables append-only and its records undeletable
with the operations below; the database then refuses, whatever the code does:

    from config.audit import append_only, no_delete
    operations = [append_only("accidents_accidentevent"), no_delete("accidents_accident")]

The trigger function ``ledger_refuse_change()`` is the one the ledger's own migration
(hazards 0002) created; these operations create it too if it is missing, so an app does
not depend on the hazards migrations for it. On SQLite (development) they do nothing:
there the code paths alone keep the rules.
"""

from __future__ import annotations

from django.db import migrations

REFUSE_FUNCTION = """
CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger: % on % is not allowed (append-only history)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def _trigger(table: str, name: str, when: str) -> migrations.RunPython:
    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(REFUSE_FUNCTION, params=None)
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        schema_editor.execute(
            f"CREATE TRIGGER {name} {when} ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()"
        )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")

    return migrations.RunPython(create, drop, elidable=False)


def append_only(table: str) -> migrations.RunPython:
    """No UPDATE and no DELETE: an event log."""
    return _trigger(table, f"{table}_append_only", "BEFORE UPDATE OR DELETE")


def no_delete(table: str) -> migrations.RunPython:
    """No DELETE: a record that may change state but is never removed."""
    return _trigger(table, f"{table}_no_delete", "BEFORE DELETE")
