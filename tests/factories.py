"""Kept for branches written before tests/support existed: import from
``tests.support.factories`` instead."""

from tests.support.factories import *  # noqa: F403
from tests.support.factories import make_hazard  # noqa: F401
