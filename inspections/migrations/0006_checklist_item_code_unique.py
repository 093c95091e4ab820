"""A checklist item's code is unique across all templates (0005 made it so)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0005_rename_shared_item_codes"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="checklistitem",
            constraint=models.UniqueConstraint(fields=("code",), name="checklist_item_code_unique"),
        ),
    ]
