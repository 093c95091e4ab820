"""The photo fields: one for the API (``PhotoListField`` + ``PhotoSerializerMixin``), one
for the pages (``PhotoField`` + ``PhotoFormMixin``), both on the core in
hazards/evidence.py.

The field itself does only the cheap checks (how many photos, how many bytes each).
The image work — headers, the request's pixel budget, one decode per photo — runs in
the mixin after every other field of the serializer or form is valid, so a request
with an empty note and ten large PNGs is refused without opening a single image.
The cleaned value is then a list of ``ProcessedImage``, which ``Evidence.store`` saves
as it is (no second decode).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.settings import api_settings

from .evidence import PhotoLimits, check_count, check_size, process_photos

# --- API ------------------------------------------------------------------------------


class PhotoListField(serializers.ListField):
    """Image uploads (multipart, the field repeated). Validates count and size here;
    ``PhotoSerializerMixin`` decodes them once the rest of the request is valid."""

    def __init__(self, **kwargs):
        kwargs.setdefault("child", serializers.FileField())
        kwargs.setdefault("required", False)
        kwargs.setdefault("write_only", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> list:
        files = super().to_internal_value(data)
        limits = PhotoLimits.current()
        messages: list[str] = []
        try:
            check_count(files, limits)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        for upload in files:
            try:
                check_size(upload, limits)
            except ValidationError as exc:
                messages.extend(exc.messages)
        if messages:
            raise serializers.ValidationError(messages)
        return files


class PhotoSerializerMixin:
    """Put first in the bases of a serializer with ``PhotoListField`` fields."""

    def run_validation(self, data=empty):
        value = super().run_validation(data)
        uploads = {
            name: value[name]
            for name, field in self.fields.items()
            if isinstance(field, PhotoListField) and value.get(name)
        }
        if uploads:
            try:
                value.update(process_photos(uploads))
            except ValidationError as exc:
                raise serializers.ValidationError(_serializer_errors(exc)) from None
        return value


def _serializer_errors(exc: ValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}


# --- pages ----------------------------------------------------------------------------


class PhotoInput(forms.FileInput):
    """Several photos at once, straight from the phone camera."""

    allow_multiple_selected = True

    def __init__(self, attrs=None):
        base = {
            "accept": "image/*",
            "capture": "environment",
            "multiple": True,
            "class": "photo-input",
        }
        super().__init__(attrs={**base, **(attrs or {})})


class PhotoField(forms.FileField):
    """A list of photos. Validates count and size here; ``PhotoFormMixin`` decodes them
    once the rest of the form is valid, before the transition writes anything."""

    widget = PhotoInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [d for d in (data if isinstance(data, list | tuple) else [data]) if d]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        limits = PhotoLimits.current()
        check_count(uploads, limits)
        files = [super(PhotoField, self).clean(upload, initial) for upload in uploads]
        messages: list[str] = []
        for upload in files:
            try:
                check_size(upload, limits)
            except ValidationError as exc:
                messages.extend(exc.messages)
        if messages:
            raise ValidationError(messages)
        return files


class PhotoFormMixin:
    """Put first in the bases of a form with ``PhotoField`` fields."""

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound or self._errors:
            return
        uploads = {
            name: self.cleaned_data[name]
            for name, field in self.fields.items()
            if isinstance(field, PhotoField) and self.cleaned_data.get(name)
        }
        if not uploads:
            return
        try:
            processed = process_photos(uploads)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)
            return
        self.cleaned_data.update(processed)
