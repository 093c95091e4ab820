"""A trigram index for searching hazards by (part of) their code (PostgreSQL only).

People type codes partly — "000123", "2026-0001" — so the ledger's search matches
anywhere in the code; a btree cannot serve '%…%', a pg_trgm GIN index can. pg_trgm is
a trusted extension (PostgreSQL 13+): a database owner may create it.
"""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS hazard_code_trgm ON hazards_hazard "
        "USING gin (upper(code) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS hazard_code_trgm")


class Migration(migrations.Migration):
    dependencies = [("hazards", "0004_ledger_township_index")]

    operations = [migrations.RunPython(create, drop)]
