from django.core.management.base import BaseCommand

from inspections.checklists import SHIPPED, load_checklists, read_shipped
from inspections.models import ChecklistItem, ChecklistTemplate


class Command(BaseCommand):
    help = "Load the shipped checklist templates (idempotent; keyed on template key + item code)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--file",
            default=str(SHIPPED),
            help="the checklists directory, or one template's YAML file in it",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="overwrite existing templates and items with the file's text",
        )

    def handle(self, *args, file, update, **options):
        from pathlib import Path

        counts = load_checklists(
            ChecklistTemplate, ChecklistItem, read_shipped(Path(file)), update=update
        )
        self.stdout.write(
            f"templates created: {counts['templates']}, items created: {counts['items']}, "
            f"updated: {counts['updated']}"
        )
