import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, viewsets

from accounts.permissions import StepPermission
from hazards.filters import IdFilter

from .models import Department, Enterprise, Township


class TownshipSerializer(serializers.ModelSerializer):
    class Meta:
        model = Township
        fields = ["id", "name", "code"]


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "short_name", "is_bureau"]


class EnterpriseSerializer(serializers.ModelSerializer):
    township_name = serializers.CharField(source="township.name", read_only=True)
    supervising_department_name = serializers.CharField(
        source="supervising_department.name", read_only=True
    )

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "credit_code",
            "industry",
            "township",
            "township_name",
            "supervising_department",
            "supervising_department_name",
            "address",
            "legal_representative",
            "contact_phone",
            "status",
            "employees",
            "created_at",
        ]
        read_only_fields = ["created_at"]


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("名称或信用代码"))
    department = IdFilter(field_name="supervising_department_id")

    class Meta:
        model = Enterprise
        fields = ["township", "department", "supervising_department", "industry", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(credit_code__icontains=value.upper()))


class ReferenceViewSet(viewsets.ReadOnlyModelViewSet):
    pagination_class = None


class TownshipViewSet(ReferenceViewSet):
    queryset = Township.objects.all()
    serializer_class = TownshipSerializer


class DepartmentViewSet(ReferenceViewSet):
    queryset = Department.objects.all()
    serializer_class = DepartmentSerializer


class EnterpriseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = EnterpriseSerializer
    permission_classes = [
        StepPermission(
            create="enterprises.create",
            update="enterprises.edit",
            partial_update="enterprises.edit",
        )
    ]
    filterset_class = EnterpriseFilter
    ordering_fields = ["name", "created_at", "employees"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return Enterprise.objects.visible_to(self.request.user).select_related(
            "township", "supervising_department"
        )
