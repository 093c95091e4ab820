"""Signals the enterprises app sends, so the apps above it can react without this app
importing them (docs/architecture.md, "Apps and floors")."""

from django.dispatch import Signal

# Sent by ``Enterprise.save`` inside its transaction when an existing enterprise's
# township, supervising department or industry changed. Arguments: ``enterprise`` (the
# saved instance) and ``previous`` (the old ``township_id``,
# ``supervising_department_id`` and ``industry``). A receiver that raises rolls the
# save back. The hazards app copies the new values onto the enterprise's hazards.
enterprise_moved = Signal()
