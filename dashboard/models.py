"""The dashboard's own table: HazardTally, the counts of closed and voided hazards."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from enterprises.models import Industry
from hazards.choices import Level, State


class HazardTally(models.Model):
    """How many hazards are closed or voided, per registration month and dashboard
    dimension. Those two states are final, so these counts only move when a hazard
    reaches one, when an enterprise's township / department / industry is copied onto
    its hazards, or (never, in this ledger) on delete.

    Kept exact by PostgreSQL statement triggers on hazards_hazard, in the same
    transaction as the change (hazards migration 0003_dashboard_tally), so it never goes
    stale. The table kept its name when the model moved here from hazards (a state-only
    move: hazards 0006, dashboard 0001).
    The dashboard reads it for the county and department scopes on PostgreSQL instead
    of counting a million rows; open hazards are always counted live (whether one is
    overdue depends on today). On SQLite nothing maintains it and nothing reads it.
    ``dashboard.tally.rebuild_tally`` recomputes it (seed_bulk, which loads with
    triggers off, calls it).
    """

    NOT_CLOSED = dt.date(1970, 1, 1)  # closed_month of voided hazards (key columns are NOT NULL)

    created_month = models.DateField()
    township = models.ForeignKey(
        "enterprises.Township",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    department = models.ForeignKey(
        "enterprises.Department",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    industry = models.CharField(max_length=32, choices=Industry.choices)
    level = models.CharField(max_length=16, choices=Level.choices)
    state = models.CharField(max_length=16, choices=State.choices)
    closed_on_time = models.BooleanField(default=False)
    closed_month = models.DateField()
    n = models.BigIntegerField(default=0)

    class Meta:
        db_table = "hazards_hazardtally"
        verbose_name = _("隐患统计（已销号/作废）")
        verbose_name_plural = _("隐患统计（已销号/作废）")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "created_month",
                    "township",
                    "department",
                    "industry",
                    "level",
                    "state",
                    "closed_on_time",
                    "closed_month",
                ],
                name="hazard_tally_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.created_month} {self.state} {self.n}"
