"""Load the checklist templates that ship with the product (inspections/checklists.json).

Idempotent (keyed on template key + item code); reversing it leaves the rows, since
past inspections may already have copied them.
"""

from django.db import migrations


def load(apps, schema_editor):
    from inspections.checklists import load_checklists, read_shipped

    load_checklists(
        apps.get_model("inspections", "ChecklistTemplate"),
        apps.get_model("inspections", "ChecklistItem"),
        read_shipped(),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0002_checklists_campaigns_items"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
