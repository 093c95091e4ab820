"""Stricter input types for the API than DRF's defaults.

DRF's CharField quietly turns a number or a list element into text; for a regulator's
ledger a wrong type is an error the client should hear about (400), not a value we
guess. ModelSerializers map text columns to StrictCharField.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class StrictCharField(serializers.CharField):
    default_error_messages = {"invalid": _("请填写文本。")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


_many_to_internal = serializers.ManyRelatedField.to_internal_value


def _strict_many_to_internal(self, data):
    """A list of ids must be a list: ``{}`` or ``"1"`` is refused, not read as empty."""
    if not isinstance(data, list | tuple):
        self.fail("not_a_list", input_type=type(data).__name__)
    return _many_to_internal(self, data)


def install() -> None:
    mapping = serializers.ModelSerializer.serializer_field_mapping
    for field in (models.CharField, models.TextField):
        mapping[field] = StrictCharField
    serializers.ManyRelatedField.to_internal_value = _strict_many_to_internal
