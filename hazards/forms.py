"""Forms of the browser pages. They only parse input: every write goes through the
model's transition method (``Hazard.register/submit/review/extend/void``,
``Escalation.acknowledge/resolve``), whose ``ValidationError`` is put back on the
form next to the field it names (``add_model_errors``)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import leaders_near, responsible_people
from enterprises.models import Enterprise

from .models import Escalation, Hazard, Level, local_today
from .photos import PhotoField, PhotoFormMixin
from .plan import default_deadline, plan_errors

REQUIRED = _("此项为必填项。")
BAD_DATE = _("请输入有效的日期，例如 2026-05-01。")


def add_model_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a model ValidationError on the form: each message next to the field it
    names, the rest (or a field the form does not have) at the top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _text(label, *, required: bool = True, rows: int = 3, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": REQUIRED},
        **kwargs,
    )


def _date(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DateInput(),
        error_messages={"required": REQUIRED, "invalid": BAD_DATE},
        **kwargs,
    )


# --- hazard actions ------------------------------------------------------------------


class SubmitForm(PhotoFormMixin, forms.Form):
    """The enterprise reports remediation done (提交整改)."""

    prefix = "submit"

    note = _text(_("整改情况说明"), max_length=4000)
    evidence = PhotoField(label=_("整改后照片"), help_text=_("可拍照或从相册选择，最多 10 张。"))
    before = PhotoField(label=_("整改前照片（可选）"))


class ReviewForm(PhotoFormMixin, forms.Form):
    """Re-inspection (复查): pass closes the hazard, fail needs a comment and a new deadline."""

    prefix = "review"

    result = forms.ChoiceField(
        label=_("复查结论"),
        choices=[("pass", _("合格，予以销号")), ("fail", _("不合格，退回整改"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择复查结论。"), "invalid_choice": _("请选择复查结论。")},
    )
    comment = _text(_("复查意见"), required=False, max_length=4000)
    new_deadline = _date(_("新的整改期限"), required=False)
    evidence = PhotoField(label=_("复查照片（可选）"))

    def __init__(self, *args, may_pass: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_pass:
            # Not submitted yet (hazards.pass_review refuses): an on-site re-check can
            # only find it not yet done.
            self.fields["result"].choices = [("fail", _("不合格，退回整改"))]
            self.fields["result"].initial = "fail"
        self.fields["new_deadline"].widget.attrs["min"] = local_today().isoformat()
        self.fields["new_deadline"].help_text = _("复查不合格时必填。")
        self.fields["comment"].help_text = _("复查不合格时必填，写明哪些措施未落实。")


class ExtendForm(forms.Form):
    prefix = "extend"

    deadline = _date(_("新的整改期限"))
    reason = _text(_("延期理由"), max_length=2000, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deadline"].widget.attrs["min"] = local_today().isoformat()


class VoidForm(forms.Form):
    prefix = "void"

    reason = _text(_("作废理由"), max_length=2000, rows=2)


# --- escalations -------------------------------------------------------------------------


class AcknowledgeForm(forms.Form):
    prefix = "ack"

    note = _text(_("签收意见"), max_length=2000)


class ResolveForm(forms.Form):
    prefix = "resolve"

    outcome = forms.ChoiceField(
        label=_("追责结果"),
        choices=[("", _("请选择")), *Escalation.Outcome.choices],
        error_messages={
            "required": _("请选择追责结果：约谈、通报批评、罚款、停产整顿或其他。"),
            "invalid_choice": _("请选择追责结果：约谈、通报批评、罚款、停产整顿或其他。"),
        },
    )
    note = _text(_("处理说明"), max_length=2000)


# --- registration --------------------------------------------------------------------------


class EnterpriseSearchForm(forms.Form):
    q = forms.CharField(
        label=_("企业名称或统一社会信用代码"), required=False, max_length=64, strip=True
    )

    def results(self, user, *, limit: int = 20):
        """Enterprises in the user's scope matching the query (the first ``limit``)."""
        qs = Enterprise.objects.visible_to(user).select_related("township")
        q = self.cleaned_data.get("q", "") if self.is_valid() else ""
        if q:
            qs = qs.filter(Q(name__icontains=q) | Q(credit_code__istartswith=q))
        return qs.order_by("name", "pk")[:limit]


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.name


class LeaderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        where = obj.enterprise or obj.township
        return f"{obj.name}（{where}）" if where else obj.name


class HazardForm(PhotoFormMixin, forms.ModelForm):
    """A new hazard with its five-point plan (五落实). The enterprise is chosen before
    the form opens; ``Hazard.register`` validates the plan and writes."""

    before = PhotoField(
        label=_("隐患照片（可选）"), help_text=_("可拍照或从相册选择，最多 10 张。")
    )

    class Meta:
        model = Hazard
        fields = [
            "title",
            "description",
            "location",
            "category",
            "level",
            "measures",
            "responsible_person",
            "responsible_leader",
            "deadline",
            "funds",
            "emergency_plan",
        ]
        field_classes = {
            "responsible_person": PersonChoiceField,
            "responsible_leader": LeaderChoiceField,
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 3}),
            "emergency_plan": forms.Textarea(attrs={"rows": 3}),
            "deadline": DateInput(),
        }
        error_messages = {
            "title": {"required": _("请填写隐患名称。")},
            "category": {"required": _("请选择隐患类别。")},
            "measures": {"required": _("请填写整改措施。")},
            "responsible_person": {
                "required": _("请选择整改责任人。"),
                "invalid_choice": _("整改责任人必须是该企业的企业用户。"),
            },
            "responsible_leader": {
                "required": _("请选择责任领导。"),
                "invalid_choice": _("责任领导必须是领导角色的用户。"),
            },
            "deadline": {"required": _("请填写整改期限。"), "invalid": BAD_DATE},
            "funds": {"invalid": _("请输入金额（元），例如 5000。")},
        }

    def __init__(self, *args, enterprise: Enterprise, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        self.fields["responsible_person"].queryset = responsible_people(enterprise)
        # The enterprise's own leader first, then its township's, then the rest.
        self.fields["responsible_leader"].queryset = leaders_near(enterprise)
        self.fields["responsible_person"].empty_label = _("请选择")
        self.fields["responsible_leader"].empty_label = _("请选择")
        self.fields["category"].choices = [("", _("请选择")), *self.fields["category"].choices[1:]]
        self.fields["level"].widget = forms.RadioSelect(choices=self.fields["level"].choices)
        self.fields["level"].choices = Level.choices
        self.fields["funds"].required = False
        self.fields["funds"].widget.attrs.update(
            {"min": "0", "step": "0.01", "inputmode": "decimal"}
        )
        self.fields["deadline"].widget.attrs.update(
            {
                "min": local_today().isoformat(),
                "data-default-general": default_deadline(Level.GENERAL).isoformat(),
                "data-default-major": default_deadline(Level.MAJOR).isoformat(),
            }
        )
        self.fields["deadline"].help_text = _("一般隐患默认 15 天，重大隐患默认 60 天，可修改。")
        self.fields["emergency_plan"].help_text = _("重大隐患必须填写应急预案。")
        if not self.is_bound:
            self.initial.setdefault("level", Level.GENERAL)
            self.initial.setdefault("deadline", default_deadline(Level.GENERAL))
            # Preselect the obvious: the enterprise's only user, its only leader.
            people = list(self.fields["responsible_person"].queryset[:2])
            if len(people) == 1:
                self.initial.setdefault("responsible_person", people[0].pk)
            own_leaders = list(leaders_near(enterprise).filter(near=0)[:2])
            if len(own_leaders) == 1:
                self.initial.setdefault("responsible_leader", own_leaders[0].pk)

    def clean_funds(self) -> Decimal:
        funds = self.cleaned_data.get("funds")
        if funds is None:
            return Decimal("0")
        errors = plan_errors({"funds": funds})
        if errors:
            raise ValidationError(errors["funds"])
        return funds

    def plan(self) -> dict:
        """The keyword arguments of ``Hazard.register`` (besides by/enterprise)."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["before"] = self.cleaned_data.get("before") or []
        return data
