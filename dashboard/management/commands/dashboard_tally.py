"""Check or rebuild the dashboard's HazardTally (PostgreSQL)."""

from django.core.management.base import BaseCommand, CommandError

from dashboard.tally import available, rebuild_tally, tally_drift


class Command(BaseCommand):
    help = "Check that the dashboard tally matches the hazards (exit 1 if not), or rebuild it."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="recompute it from the hazards")

    def handle(self, *args, rebuild: bool = False, **options):
        if not available():
            self.stdout.write("The tally is only used on PostgreSQL; nothing to do.")
            return
        if rebuild:
            rows = rebuild_tally()
            self.stdout.write(self.style.SUCCESS(f"Tally rebuilt: {rows} rows."))
            return
        drift = tally_drift()
        if drift:
            raise CommandError(f"Tally differs from the hazards in {drift} keys: run --rebuild.")
        self.stdout.write(self.style.SUCCESS("Tally matches the hazards."))
