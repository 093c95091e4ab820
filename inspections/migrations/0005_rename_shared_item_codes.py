"""Give the items two shipped templates shared codes with their own codes, so a code
names one item everywhere: the dangerous-chemicals business checklist's WH-xx become
WJ-xx and the small crowded places' RM-xx become XC-xx (as in the shipped data).

Inspections keep the copy they made (InspectionItem.code), so the history is unchanged.
"""

from django.db import migrations

RENAMES = [
    ("hazardous-chemicals-business", "WH-", "WJ-"),
    ("crowded-places-small", "RM-", "XC-"),
]


def rename(apps, schema_editor):
    ChecklistItem = apps.get_model("inspections", "ChecklistItem")
    for key, old, new in RENAMES:
        for item in ChecklistItem.objects.filter(template__key=key, code__startswith=old):
            item.code = new + item.code[len(old) :]
            item.save(update_fields=["code"])


def unrename(apps, schema_editor):
    ChecklistItem = apps.get_model("inspections", "ChecklistItem")
    for key, old, new in RENAMES:
        for item in ChecklistItem.objects.filter(template__key=key, code__startswith=new):
            item.code = old + item.code[len(new) :]
            item.save(update_fields=["code"])


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0004_checklist_citation_fields"),
    ]

    operations = [
        migrations.RunPython(rename, unrename),
    ]
