"""Ledger list counts filtered by township (+ industry, level, state) become index-only
(county-scale benchmark, docs/architecture.md "Performance": township + industry
166 ms -> 20 ms at 1M hazards)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('hazards', '0003_dashboard_tally'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='hazard',
            index=models.Index(fields=['township', 'industry', 'level', 'state'], name='hazard_township_industry'),
        ),
    ]
