"""The sweeps: the escalation sweep (two-strike rule) and the deadline reminder /
overdue job, one module per job — ``escalate`` (phase 1 of the escalation sweep, and
``sweep()``, both phases), ``deadlines`` (reminders and overdue notices), ``mail``
(phase 2: delivering the emails of both) and ``claim`` (the once-only insert).

Both run from Celery beat (hazards/tasks.py) and from ``manage.py escalate``.
Each is split in two phases, so that nothing is duplicated or lost when two
beats fire at once, a sweep runs twice, or a worker is killed mid-task:

Phase 1 — rows, exactly once. One transaction per batch, set-based: the number
of SQL queries does not depend on how many hazards are scanned. Candidates are
read in one SELECT, the once-only rows (``Escalation`` unique on (hazard, round),
``HazardNotice`` unique on (hazard, kind, day)) are written with one
``INSERT … ON CONFLICT DO NOTHING RETURNING``, and only the rows the database
reports as inserted *by this statement* get their HazardEvent and in-app
Notification, in the same transaction. A second sweep racing us either waits on
the conflicting key and inserts nothing, or sees our committed rows (the
escalation sweep also locks the due hazards with SKIP LOCKED, so two sweeps split
the work rather than race for it); a worker killed before COMMIT leaves nothing
behind, and the next sweep does it all.

Phase 2 — email, at least once, normally exactly once. Every row whose email is
not marked sent (``Escalation.notified_at`` / ``HazardNotice.sent_at`` NULL) is
delivered in its own short transaction: lock the row (``SKIP LOCKED``: another
worker sending it right now is left alone), re-check the mark, send, set the
mark, commit. A worker killed before the send leaves the mark unset and the next
sweep sends it; the only duplicate possible is a kill between the mail server
accepting the message and our COMMIT (milliseconds) — SMTP offers no way to
make a send and a database write atomic, so that window cannot be closed.
A send that fails (mail server down) rolls back and is retried by the next sweep.
"""
