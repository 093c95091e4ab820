"""What the tests share, in one place:

* ``tests.support.factories`` — factory_boy factories for places and people, and
  ``HazardFactory`` / ``InspectionFactory`` in every state through the real steps;
* ``tests.support.world`` — the small county of the ``world`` fixture;
* ``tests.support.api`` — an authenticated API client, hazard URLs and payloads;
* ``tests.support.files`` — images (JPEG, PNG, WebP, GIF, EXIF), bombs, fakes and PDFs;
* ``tests.support.collection`` — the pytest plugin that keeps every collected test run.
"""
