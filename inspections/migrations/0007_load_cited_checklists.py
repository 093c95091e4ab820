"""Load the shipped checklists (inspections/checklists/*.yaml) with their citations.

New databases get every template. Existing ones get the new templates (工贸
sub-industries, 煤矿, 烟花爆竹) and new items, and the shipped templates and items are
rewritten once with the corrected text and citations (standard, 文号, article, major
grading; docs/standards.md): a regulatory correction, so it overwrites admin edits of
shipped items. Inspections keep the copies they made. Reversing leaves the rows.
"""

from django.db import migrations


def load(apps, schema_editor):
    from inspections.checklists import load_checklists, read_shipped

    load_checklists(
        apps.get_model("inspections", "ChecklistTemplate"),
        apps.get_model("inspections", "ChecklistItem"),
        read_shipped(),
        update=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0006_checklist_item_code_unique"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
