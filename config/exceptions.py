"""API errors in the shapes the API promises (docs/architecture.md, "Writes").

- validation: 400 ``{"field": ["message"]}``
- out of scope / missing: 404
- illegal transition: 409 ``{"detail": "..."}``
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import InvalidTransition


def exception_handler(exc, context):
    if isinstance(exc, InvalidTransition):
        return Response({"detail": str(exc.message)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {
                field: [str(m) for e in errs for m in e.messages]
                for field, errs in exc.error_dict.items()
            }
        else:
            detail = {"non_field_errors": [str(m) for m in exc.messages]}
        exc = ValidationError(detail)
    return drf_exception_handler(exc, context)
