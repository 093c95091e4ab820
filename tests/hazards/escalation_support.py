"""Kept for branches written before tests/support existed: import from
``tests.support.factories`` and ``tests.support.world`` instead."""

from tests.support.factories import fail_review  # noqa: F401
from tests.support.world import due_hazard  # noqa: F401
