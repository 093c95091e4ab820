"""The sweeps' public names, where they were before the sweeps were split by job into
``hazards/sweeps/`` (escalate, deadlines, mail, claim). New code imports from there;
this module keeps older imports working.

To replace the mailer in a test, patch ``hazards.sweeps.mail._mailer`` (patching it
here changes nothing: the sweeps do not look it up through this module).
"""

from .sweeps.claim import BATCH_SIZE, insert_returning
from .sweeps.deadlines import NoticeResult, send_deadline_notices
from .sweeps.escalate import NewEscalation, SweepResult, escalate_due, sweep
from .sweeps.mail import EMAIL_BATCH_SIZE, send_escalation_emails, send_notice_emails

__all__ = [
    "BATCH_SIZE",
    "EMAIL_BATCH_SIZE",
    "NewEscalation",
    "NoticeResult",
    "SweepResult",
    "escalate_due",
    "insert_returning",
    "send_deadline_notices",
    "send_escalation_emails",
    "send_notice_emails",
    "sweep",
]
