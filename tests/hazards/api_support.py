"""Kept for branches written before tests/support existed: import from
``tests.support.api`` and ``tests.support.files`` instead."""

from tests.support.api import (  # noqa: F401
    HAZARDS,
    future,  # noqa: F401
    last_event,
    payload,
    snapshot,
    url,
)
from tests.support.files import (  # noqa: F401
    gif,
    image_bytes,
    jpeg,
    jpeg_with_exif,
    png,
    png_declaring,
    upload,
    webp,
)
