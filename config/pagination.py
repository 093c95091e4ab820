from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Page-number pagination that refuses a malformed page_size instead of ignoring it."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        if not raw.isdigit() or int(raw) < 1:
            raise ValidationError({"page_size": [_("每页条数必须是正整数（最多 200）。")]})
        return min(int(raw), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] == self.page_size_query_param:
                param["schema"]["minimum"] = 1
                param["description"] = "每页条数（1–200，超过 200 按 200 计）"
            if param["name"] == self.page_query_param:
                param["schema"]["minimum"] = 1
        return params
