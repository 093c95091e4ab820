"""Filter building blocks every app's FilterSet may use (the bottom floor: no app imports).

They live here rather than in an app so that a lower app (``enterprises``) can use them
without importing a higher one (``hazards``); see docs/architecture.md, "Apps and floors".
"""

from __future__ import annotations

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field


class IdField(forms.IntegerField):
    """A database id: a whole number within BIGINT (a larger one is a 400, not a 500)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """An integer id (``?enterprise=1.5`` is a 400, not a silent miss)."""

    field_class = IdField
