"""The Celery beat schedule, in code (docs/architecture.md), assigned to
CELERY_BEAT_SCHEDULE by config/settings.py. Each entry names a task of hazards/tasks.py,
which runs one job of hazards/sweeps/: ``escalate.sweep`` and
``deadlines.send_deadline_notices``.

Imported from settings, so it must not import Django models or settings.
Crontab times are in CELERY_TIMEZONE (Asia/Shanghai).
"""

from __future__ import annotations

import datetime as dt

from celery.schedules import crontab


def beat_schedule(*, sweep_seconds: int) -> dict:
    return {
        "escalation-sweep": {
            "task": "hazards.tasks.escalation_sweep",
            "schedule": dt.timedelta(seconds=sweep_seconds),
            # Sweeps queued while no worker was running are stale: drop them rather
            # than run a pile of them at start-up (the next tick does the work).
            "options": {"expires": max(2 * sweep_seconds, 30)},
        },
        # Hourly in office hours: the first run of the day sends the notices, later
        # runs catch what changed (a deadline moved, a worker was down at 8:00) and are
        # otherwise no-ops — HazardNotice is unique per (hazard, kind, day).
        "deadline-notices": {
            "task": "hazards.tasks.send_deadline_notices",
            "schedule": crontab(minute=0, hour="8-20"),
            "options": {"expires": 30 * 60},
        },
    }
