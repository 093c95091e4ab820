"""Loaded the first shipped checklists (then a JSON file).

Superseded by 0007, which loads the checklists shipped as YAML under
inspections/checklists/; databases migrated before that keep what this step loaded,
and 0007 brings it up to date. Now a no-op: the loader it called works on the current
models and data, not on the models as they stood at this migration.
"""

from django.db import migrations


def load(apps, schema_editor):
    """Nothing: 0007_load_cited_checklists loads the shipped checklists."""


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0002_checklists_campaigns_items"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
