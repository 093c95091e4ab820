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


def _only_lists(original):
    """A list (of ids, of choices) must be a list: ``{}`` or ``"1"`` is refused, not
    read as empty or as its characters."""

    def to_internal_value(self, data):
        if not isinstance(data, list | tuple):
            self.fail("not_a_list", input_type=type(data).__name__)
        return original(self, data)

    return to_internal_value


def install() -> None:
    mapping = serializers.ModelSerializer.serializer_field_mapping
    for field in (models.CharField, models.TextField):
        mapping[field] = StrictCharField
    for cls in (serializers.ManyRelatedField, serializers.MultipleChoiceField):
        if not getattr(cls, "_only_lists", False):
            cls.to_internal_value = _only_lists(cls.to_internal_value)
            cls._only_lists = True


def empty_query_values_mean_no_filter(result, generator, request, public):
    """drf-spectacular postprocessing hook: a filter sent empty (``?township=``) means "no
    filter", as when a browser submits an untouched form field; say so in the schema."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for param in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if param.get("in") == "query" and param["name"] not in ("page", "page_size"):
                    param["allowEmptyValue"] = True
    return result
