"""The hazard ledger (隐患台帐): hazards, their append-only event log, evidence,
escalations and the once-only notices.

- ``ledger.py``: ``Hazard`` (the plan, state and flags) and ``HazardQuerySet`` (reads);
- ``workflow.py``: the transition methods (docs/architecture.md, "Writes"), a mixin of
  ``Hazard``;
- ``records.py``: ``HazardEvent`` (append-only), ``Evidence``, the code counter;
- ``escalations.py``: ``Escalation`` (the two-strike rule) and ``HazardNotice``.

The dashboard's counts of final hazards (``HazardTally``) live in ``dashboard/models.py``.

Who may take which step, and when, is ``hazards/policy.py``; the plan's field rules are
``hazards/plan.py``. Everything is importable from ``hazards.models`` as before.
"""

from config.clock import local_today

from ..choices import OPEN_STATES, TERMINAL_STATES, Category, EventKind, Level, State
from .escalations import Escalation, EscalationQuerySet, HazardNotice
from .ledger import Hazard, HazardQuerySet
from .records import Evidence, HazardCodeCounter, HazardEvent

__all__ = [
    "OPEN_STATES",
    "TERMINAL_STATES",
    "Category",
    "Escalation",
    "EscalationQuerySet",
    "EventKind",
    "Evidence",
    "Hazard",
    "HazardCodeCounter",
    "HazardEvent",
    "HazardNotice",
    "HazardQuerySet",
    "Level",
    "State",
    "local_today",
]
