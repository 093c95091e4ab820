"""``python manage.py escalate``: run the escalation sweep once — the same code the
beat task runs — and print what it did."""

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.models import User
from hazards.sweeps import deadlines, escalate


class Command(BaseCommand):
    help = "Run the escalation sweep once (the beat task's code) and print what it did."

    def add_arguments(self, parser):
        parser.add_argument(
            "--notices",
            action="store_true",
            help="also send today's deadline reminders and overdue notices",
        )

    def handle(self, *args, notices: bool = False, **options):
        threshold = settings.ESCALATION_FAILURE_THRESHOLD
        result = escalate.sweep()
        leaders = dict(
            User.objects.filter(pk__in={e.leader_id for e in result.escalations}).values_list(
                "pk", "display_name"
            )
        )
        self.stdout.write(
            f"Escalation sweep (threshold: {threshold} failed reviews): "
            f"{len(result.escalations)} new escalation(s)."
        )
        for esc in result.escalations:
            self.stdout.write(
                f"  {esc.hazard_code} round {esc.round} -> {leaders.get(esc.leader_id, esc.leader_id)}"
            )
        self.stdout.write(
            f"Escalation emails: {result.emails_sent} sent, {result.emails_failed} failed."
        )
        if notices:
            n = deadlines.send_deadline_notices()
            self.stdout.write(
                f"Deadline notices: {n.reminders} reminder(s), {n.overdue} overdue notice(s), "
                f"{n.notifications} notification(s); emails {n.emails_sent} sent, "
                f"{n.emails_failed} failed."
            )
        if result.emails_failed:
            self.stderr.write(
                self.style.WARNING("Some emails failed; the next sweep retries them.")
            )
