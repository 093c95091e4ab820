"""The one clock the domain reads: local calendar dates in Asia/Shanghai.

Deadlines are calendar dates in the county's time zone, so "today" is the local date,
not the UTC one. Tests move it with time-machine.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def local_today() -> dt.date:
    """Today in Asia/Shanghai: deadlines are local calendar dates."""
    return timezone.localdate()
