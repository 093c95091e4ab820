"""Celery tasks of the ledger: thin wrappers around the sweeps (hazards/sweeps/).

Beat runs them (hazards/schedule.py). They take no arguments and are idempotent:
a duplicate (two beats), a re-delivery after a worker was killed (acks_late with
task_reject_on_worker_lost), or a run that was lost altogether all end in the
same state once the next sweep has run — see hazards/sweeps/__init__.py.
"""

from __future__ import annotations

from celery import shared_task

from .sweeps import deadlines, escalate


@shared_task(ignore_result=True)
def escalation_sweep() -> dict:
    """Escalate hazards that reached the failure threshold and email their leaders."""
    return escalate.sweep().as_dict()


@shared_task(ignore_result=True)
def send_deadline_notices() -> dict:
    """Today's deadline reminders and overdue notices, at most one per hazard and day."""
    return deadlines.send_deadline_notices().as_dict()
