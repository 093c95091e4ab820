"""HazardTally, moved here from the hazards app (state only).

The table ``hazards_hazardtally`` was created by hazards 0003_dashboard_tally (with the
PostgreSQL triggers that keep it exact) and is left untouched: this migration only
records, in Django's state, that the dashboard app owns the model now. It runs after
hazards 0006, which removed the model from that app's state.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("enterprises", "0001_initial"),
        ("hazards", "0006_hazardtally_moves_to_dashboard"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="HazardTally",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_month", models.DateField()),
                        ("industry", models.CharField(choices=[("mining", "矿山"), ("hazardous_chemicals", "危险化学品"), ("construction", "建筑施工"), ("transport", "交通运输"), ("crowded_places", "人员密集场所"), ("industry_trade", "工贸"), ("other", "其他")], max_length=32)),
                        ("level", models.CharField(choices=[("general", "一般隐患"), ("major", "重大隐患")], max_length=16)),
                        ("state", models.CharField(choices=[("rectifying", "整改中"), ("pending_review", "待复查"), ("closed", "已销号"), ("voided", "已作废")], max_length=16)),
                        ("closed_on_time", models.BooleanField(default=False)),
                        ("closed_month", models.DateField()),
                        ("n", models.BigIntegerField(default=0)),
                        ("department", models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="enterprises.department")),
                        ("township", models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name="+", to="enterprises.township")),
                    ],
                    options={
                        "verbose_name": "隐患统计（已销号/作废）",
                        "verbose_name_plural": "隐患统计（已销号/作废）",
                        "db_table": "hazards_hazardtally",
                        "constraints": [models.UniqueConstraint(fields=("created_month", "township", "department", "industry", "level", "state", "closed_on_time", "closed_month"), name="hazard_tally_key")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
