"""Idempotent demo data: 清河县 (130534) with its townships, departments, enterprises of
every industry and their people, and eighteen months of supervision history written
by the workflow itself (demo/history.py): campaigns, inspections walking the
checklists, hazards from each place's own checklist items, re-inspections, the
two-strike escalations and what the leaders and the bureau did about them.

A second run changes nothing but the passwords: the history is only written into a
county that has none yet."""

import datetime as dt
import random
import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from demo.county import ensure_checklists, ensure_registers
from demo.history import History, walk_orders
from demo.lives import TZ
from demo.people import DEMO_USERS, ensure_users, wanted_users
from demo.plan import WINDOW_DAYS, Planner
from hazards.models import Hazard
from hazards.sweeps.escalate import escalate_due


class Command(BaseCommand):
    help = "Load idempotent demo data and print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--password", default="demo12345", help="password for every demo user")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when users already exist (make run)"
        )

    def handle(self, *args, password: str, if_empty: bool = False, **options):
        if if_empty and User.objects.exists():
            self.stdout.write(
                "Data already present; demo accounts: " + ", ".join(u[0] for u in DEMO_USERS)
            )
            return
        # time-machine is imported only here: the history is written at the moments it
        # happened (demo/history.py explains why).
        import time_machine

        started = time.perf_counter()
        now = timezone.now().replace(microsecond=0)
        today = now.astimezone(TZ).date()
        go_live = dt.datetime.combine(
            today - dt.timedelta(days=WINDOW_DAYS + 30), dt.time(9), tzinfo=TZ
        )
        with transaction.atomic(), time_machine.travel(go_live, tick=True) as traveller:
            ensure_checklists()
            townships, departments, enterprises = ensure_registers()
            users = ensure_users(
                wanted_users(townships, departments, enterprises), password=password
            )
            created = 0
            if not Hazard.objects.filter(enterprise__in=enterprises).exists():
                plan = Planner(now=now, walks=walk_orders()).plan()
                history = History(plan, enterprises=enterprises, townships=townships, users=users)
                history.run(traveller)
                history.read_notifications(traveller, now=now, rng=random.Random(7))
                created = len(plan.hazards)
        # Back to now: the escalations of the last two days are the first sweep's (the
        # beat's next run emails their leaders).
        escalated = escalate_due()
        seconds = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready ({created} new hazards, {seconds:.1f} s).")
        )
        if escalated:
            self.stdout.write(f"Escalated {len(escalated)} hazard(s) under the two-strike rule.")
        self.stdout.write(f"Demo accounts (password: {password}):")
        for username, role, display, desc in DEMO_USERS:
            self.stdout.write(f"  {username:<11} {role.label:<6} {display:<4} {desc}")
