import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, viewsets

from accounts.permissions import StepPermission
from config.filters import IdFilter

from .models import SUB_INDUSTRY_ONLY_TRADE, Department, Enterprise, Industry, Township


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
            "sub_industry",
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

    def validate(self, attrs: dict) -> dict:
        # The 工贸 sub-industry picks the checklist by the 工贸 standard's industry
        # articles; it means nothing for another industry (a DB constraint agrees).
        instance = self.instance
        industry = attrs.get("industry", instance.industry if instance else None)
        sub = attrs.get("sub_industry", instance.sub_industry if instance else "")
        if sub and industry != Industry.INDUSTRY_TRADE:
            raise serializers.ValidationError({"sub_industry": [SUB_INDUSTRY_ONLY_TRADE]})
        return attrs


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("名称或信用代码"))
    department = IdFilter(field_name="supervising_department_id")

    class Meta:
        model = Enterprise
        fields = [
            "township",
            "department",
            "supervising_department",
            "industry",
            "sub_industry",
            "status",
        ]

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
