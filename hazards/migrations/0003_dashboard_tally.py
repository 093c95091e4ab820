"""Dashboard at county scale (docs/architecture.md, "Performance").

- HazardTally: counts of closed and voided hazards per registration month and
  dashboard dimension, kept exact by statement-level triggers on hazards_hazard
  (PostgreSQL; same transaction as the change) and backfilled here. Key columns are
  NOT NULL so that INSERT … ON CONFLICT can add to them: a voided hazard is stored with
  closed_on_time = false and closed_month = 1970-01-01.
- Covering (partial) indexes for the dashboard's live queries on open hazards, late
  closings and registration dates, and for the list of unresolved escalations.

The triggers aggregate each statement's transition tables and upsert the keys in a
fixed order, so concurrent statements lock tally rows in the same order.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TERMINAL = "('closed', 'voided')"
KEY = (
    "created_month, township_id, department_id, industry, level, state, closed_on_time, "
    "closed_month"
)


def projection(tz: str) -> str:
    return (
        f"(date_trunc('month', r.created_at AT TIME ZONE '{tz}'))::date, r.township_id, "
        "r.department_id, r.industry, r.level, r.state, COALESCE(r.closed_on_time, false), "
        f"COALESCE((date_trunc('month', r.closed_at AT TIME ZONE '{tz}'))::date, "
        "DATE '1970-01-01')"
    )


def upsert(select: str) -> str:
    return (
        f"INSERT INTO hazards_hazardtally AS t ({KEY}, n) {select} "
        f"ON CONFLICT ({KEY}) DO UPDATE SET n = t.n + EXCLUDED.n;"
    )


def function_sql(tz: str) -> str:
    proj = projection(tz)
    groups = "GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"
    order = "ORDER BY 1, 2, 3, 4, 5, 6, 7, 8"
    inserted = upsert(
        f"SELECT {proj}, COUNT(*) FROM new_rows r WHERE r.state IN {TERMINAL} {groups} {order}"
    )
    deleted = upsert(
        f"SELECT {proj}, -COUNT(*) FROM old_rows r WHERE r.state IN {TERMINAL} {groups} {order}"
    )
    updated = upsert(
        "SELECT c1, c2, c3, c4, c5, c6, c7, c8, SUM(d) FROM ("
        f"SELECT {proj}, 1 FROM new_rows r WHERE r.state IN {TERMINAL} "
        f"UNION ALL SELECT {proj}, -1 FROM old_rows r WHERE r.state IN {TERMINAL}"
        f") AS x(c1, c2, c3, c4, c5, c6, c7, c8, d) {groups} HAVING SUM(d) <> 0 {order}"
    )
    return f"""
CREATE OR REPLACE FUNCTION hazards_tally_apply() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {inserted}
    ELSIF TG_OP = 'UPDATE' THEN
        {updated}
    ELSE
        {deleted}
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


TRIGGERS = [
    ("hazards_tally_insert", "AFTER INSERT", "REFERENCING NEW TABLE AS new_rows"),
    ("hazards_tally_update", "AFTER UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    ("hazards_tally_delete", "AFTER DELETE", "REFERENCING OLD TABLE AS old_rows"),
]


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    tz = settings.TIME_ZONE
    schema_editor.execute(function_sql(tz), params=None)
    for name, when, referencing in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON hazards_hazard")
        schema_editor.execute(
            f"CREATE TRIGGER {name} {when} ON hazards_hazard {referencing} "
            "FOR EACH STATEMENT EXECUTE FUNCTION hazards_tally_apply()"
        )
    schema_editor.execute("DELETE FROM hazards_hazardtally")
    schema_editor.execute(
        f"INSERT INTO hazards_hazardtally ({KEY}, n) SELECT {projection(tz)}, COUNT(*) "
        f"FROM hazards_hazard r WHERE r.state IN {TERMINAL} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8",
        params=None,
    )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _when, _referencing in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON hazards_hazard")
    schema_editor.execute("DROP FUNCTION IF EXISTS hazards_tally_apply()")


class Migration(migrations.Migration):

    dependencies = [
        ("enterprises", "0001_initial"),
        ("hazards", "0002_audit_triggers"),
    ]

    operations = [
        migrations.CreateModel(
            name='HazardTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_month', models.DateField()),
                ('industry', models.CharField(choices=[('mining', '矿山'), ('hazardous_chemicals', '危险化学品'), ('construction', '建筑施工'), ('transport', '交通运输'), ('crowded_places', '人员密集场所'), ('industry_trade', '工贸'), ('other', '其他')], max_length=32)),
                ('level', models.CharField(choices=[('general', '一般隐患'), ('major', '重大隐患')], max_length=16)),
                ('state', models.CharField(choices=[('rectifying', '整改中'), ('pending_review', '待复查'), ('closed', '已销号'), ('voided', '已作废')], max_length=16)),
                ('closed_on_time', models.BooleanField(default=False)),
                ('closed_month', models.DateField()),
                ('n', models.BigIntegerField(default=0)),
            ],
            options={
                'verbose_name': '隐患统计（已销号/作废）',
                'verbose_name_plural': '隐患统计（已销号/作废）',
            },
        ),
        migrations.AddIndex(
            model_name='escalation',
            index=models.Index(condition=models.Q(('state__in', ['open', 'acknowledged'])), fields=['created_at'], name='escalation_unresolved'),
        ),
        migrations.AddIndex(
            model_name='hazard',
            index=models.Index(condition=models.Q(('state__in', ('rectifying', 'pending_review'))), fields=['township', 'department', 'industry', 'state', 'level', 'deadline', 'escalation_round', 'created_at', 'enterprise'], name='hazard_dash_open'),
        ),
        migrations.AddIndex(
            model_name='hazard',
            index=models.Index(condition=models.Q(('closed_on_time', False), ('state', 'closed')), fields=['closed_at', 'created_at', 'deadline', 'township', 'department', 'industry', 'level'], name='hazard_dash_closed_late'),
        ),
        migrations.AddIndex(
            model_name='hazard',
            index=models.Index(fields=['created_at', 'township', 'department', 'industry', 'level', 'state', 'closed_on_time', 'closed_at', 'id'], name='hazard_dash_created'),
        ),
        migrations.AddIndex(
            model_name='hazard',
            index=models.Index(condition=models.Q(('state', 'rectifying')), fields=['deadline', 'created_at', 'level', 'township', 'department', 'industry'], name='hazard_dash_overdue'),
        ),
        migrations.AddField(
            model_name='hazardtally',
            name='department',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='enterprises.department'),
        ),
        migrations.AddField(
            model_name='hazardtally',
            name='township',
            field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='enterprises.township'),
        ),
        migrations.AddConstraint(
            model_name='hazardtally',
            constraint=models.UniqueConstraint(fields=('created_month', 'township', 'department', 'industry', 'level', 'state', 'closed_on_time', 'closed_month'), name='hazard_tally_key'),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
