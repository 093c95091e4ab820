"""``seed_bulk``'s parts: ``copy`` (the COPY / bulk_create writer), ``county`` (townships,
departments, staff, enterprises and their people), ``lifecycle`` (one hazard's history,
through the event builders of hazards/events.py) and ``load`` (the phases, in one
transaction)."""
