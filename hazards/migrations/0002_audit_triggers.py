"""Tamper-proof history on PostgreSQL: the database itself refuses to rewrite the ledger.

- hazard events: no UPDATE, no DELETE (append-only audit log);
- escalations: no DELETE, and no UPDATE once resolved (the accountability decision);
- hazards, inspections, evidence: no DELETE (nothing in the ledger is ever deleted).

The application never needs these operations. TRUNCATE (an administrator's and the
test runner's tool, not a row change) is not covered. On SQLite (development) the
rules are enforced by the code paths alone.
"""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION ledger_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger: % on % is not allowed (append-only history)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION ledger_refuse_resolved_escalation_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'ledger: DELETE on % is not allowed', TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.state = 'resolved' THEN
        RAISE EXCEPTION 'ledger: a resolved escalation cannot be changed'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

TRIGGERS = [
    ("hazards_hazardevent", "ledger_event_append_only", "BEFORE UPDATE OR DELETE", "ledger_refuse_change"),
    ("hazards_escalation", "ledger_escalation_guard", "BEFORE UPDATE OR DELETE", "ledger_refuse_resolved_escalation_change"),
    ("hazards_hazard", "ledger_hazard_no_delete", "BEFORE DELETE", "ledger_refuse_change"),
    ("hazards_evidence", "ledger_evidence_no_delete", "BEFORE DELETE", "ledger_refuse_change"),
    ("inspections_inspection", "ledger_inspection_no_delete", "BEFORE DELETE", "ledger_refuse_change"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTIONS, params=None)
    for table, name, when, func in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        schema_editor.execute(f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW EXECUTE FUNCTION {func}()")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name, _when, _func in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS ledger_refuse_change()")
    schema_editor.execute("DROP FUNCTION IF EXISTS ledger_refuse_resolved_escalation_change()")


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0001_initial"),
        ("inspections", "0001_initial"),
    ]

    operations = [migrations.RunPython(create, drop)]
