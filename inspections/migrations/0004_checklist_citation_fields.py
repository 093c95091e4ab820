"""Checklist items cite their 判定标准 (standard, 文号, article); templates carry a 工贸
sub-industry and a base; campaigns gain the crackdown kinds (打非治违).

The per-template code uniqueness is dropped here and replaced by a global one in 0006,
after 0005 has renamed the codes that two shipped templates shared."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0003_load_shipped_checklists'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="checklisttemplate",
            options={
                "ordering": ["industry", "sub_industry", "name"],
                "verbose_name": "检查表",
                "verbose_name_plural": "检查表",
            },
        ),
        migrations.RemoveConstraint(
            model_name='checklistitem',
            name='checklist_item_code_unique',
        ),
        migrations.AddField(
            model_name='checklistitem',
            name='article',
            field=models.CharField(blank=True, max_length=128, verbose_name='条款'),
        ),
        migrations.AddField(
            model_name='checklistitem',
            name='standard',
            field=models.CharField(blank=True, max_length=128, verbose_name='判定标准'),
        ),
        migrations.AddField(
            model_name='checklistitem',
            name='standard_number',
            field=models.CharField(blank=True, max_length=64, verbose_name='文号'),
        ),
        migrations.AddField(
            model_name='checklisttemplate',
            name='base',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='extensions', to='inspections.checklisttemplate', verbose_name='通用部分'),
        ),
        migrations.AddField(
            model_name='checklisttemplate',
            name='sub_industry',
            field=models.CharField(blank=True, choices=[('metallurgy', '冶金'), ('nonferrous', '有色'), ('building_materials', '建材'), ('machinery', '机械'), ('light', '轻工'), ('textile', '纺织'), ('tobacco', '烟草'), ('commerce', '商贸')], default='', max_length=32, verbose_name='工贸细分行业'),
        ),
        migrations.AlterField(
            model_name='campaign',
            name='kind',
            field=models.CharField(choices=[('special', '专项整治'), ('comprehensive', '安全生产大检查'), ('illegal_mining', '打击非法开采'), ('illegal_business', '打击非法生产经营')], max_length=16, verbose_name='类型'),
        ),
    ]
