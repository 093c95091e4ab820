"""Bulk, realistic data for benchmarks: ``seed_bulk --enterprises N --hazards M``.

A county with townships, the supervising departments, N enterprises (each with a
safety officer and a responsible leader), several years of inspections and M hazards
in every state with realistic proportions — most closed, a few percent overdue, some
awaiting re-inspection, some voided, some escalated (with their Escalation rows) — and
an event for every transition, written by the same event builders as the workflow.
Hazard codes are ``YH-<year>-<seq>`` in registration order, continuing each year's
HazardCodeCounter, which is moved past them. The work is in demo/bulk/ (COPY on
PostgreSQL, bulk_create elsewhere; see demo/bulk/load.py).
"""

from django.core.management.base import BaseCommand, CommandError

from demo.bulk.load import BulkLoad


class Command(BaseCommand):
    help = "Load a large realistic county for benchmarks (bulk inserts; COPY on PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=1000)
        parser.add_argument("--hazards", type=int, default=100_000)
        parser.add_argument("--townships", type=int, default=20)
        parser.add_argument("--years", type=int, default=4, help="years of inspections")
        parser.add_argument("--seed", type=int, default=20231, help="random seed")
        parser.add_argument("--password", default="bench12345", help="password of every user")
        parser.add_argument("--batch", type=int, default=50_000)
        parser.add_argument(
            "--no-vacuum", action="store_true", help="skip VACUUM ANALYZE after the load"
        )

    def handle(self, *args, **opts):
        if opts["enterprises"] < 1 or opts["hazards"] < 0:
            raise CommandError("--enterprises must be ≥ 1 and --hazards ≥ 0")
        BulkLoad(opts, out=self.stdout, style=self.style).run()
