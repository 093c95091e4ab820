"""HazardTally moves to the dashboard app (state only).

The model leaves this app's state; ``dashboard/migrations/0001_initial.py`` takes it
over with ``db_table = "hazards_hazardtally"``. Nothing happens in the database: the
table, its rows, its unique constraint and the triggers of 0003_dashboard_tally that
keep it exact all stay as they are.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("hazards", "0005_code_search_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(model_name="hazardtally", name="hazard_tally_key"),
                migrations.DeleteModel(name="HazardTally"),
            ],
            database_operations=[],
        ),
    ]
