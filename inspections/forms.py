"""Forms of the inspector's pages. They only parse and check input; every write goes
through the model transitions (``Inspection.start``, ``record_item``, ``finalize``,
``record_follow_up``) or ``inspections.services.log_hazard``.

Select lists of people are built from lists the view loaded once, so a checklist
page of 30 cards costs the same number of queries as one of 10.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hazards.models import Category, Level, local_today
from hazards.photos import PhotoField, PhotoFormMixin
from hazards.plan import default_deadline, failed_review_errors, plan_errors

from .models import InspectionKind, ItemResult, ReviewResult

# Model error keys that a form shows under another field.
FIELD_ALIASES = {"before": "photos", "evidence": "photos", "new_deadline": "new_deadline"}


def colleague_label(user) -> str:
    department = (user.department.short_name or user.department.name) if user.department else ""
    return f"{user.name} · {department}" if department else user.name


def person_label(user) -> str:
    return user.name if user.name == user.username else f"{user.name}（{user.username}）"


class UserChoiceField(forms.ChoiceField):
    """A select of users from a list loaded once by the view; cleans to the User."""

    def __init__(self, *, users=(), **kwargs):
        self.users = {str(u.pk): u for u in users}
        choices = [("", _("请选择"))] + [(pk, person_label(u)) for pk, u in self.users.items()]
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("invalid_choice", _("所选人员无效，请从列表中选择。"))
        super().__init__(choices=choices, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return self.users.get(value) if value else None


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FormErrorsMixin:
    def add_model_errors(self, exc: ValidationError) -> None:
        """Show a model ValidationError next to the field it names (or at the top)."""
        if hasattr(exc, "error_dict"):
            for key, errors in exc.message_dict.items():
                field = FIELD_ALIASES.get(key, key)
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, exc.messages)


PLAN_FIELDS = (
    "level",
    "location",
    "measures",
    "responsible_person",
    "responsible_leader",
    "deadline",
    "funds",
    "emergency_plan",
)


class HazardPlanMixin(PhotoFormMixin, forms.Form):
    """The five-point plan (五落实) an inspector sets for a hazard he finds."""

    level = forms.ChoiceField(
        label=_("隐患等级"), choices=Level.choices, initial=Level.GENERAL, required=False
    )
    location = forms.CharField(label=_("隐患位置"), required=False, max_length=200)
    # Required when a hazard is registered; ItemResultForm drops these errors for 合格/不适用.
    measures = forms.CharField(
        label=_("整改措施"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写整改措施。")},
    )
    deadline = forms.DateField(
        label=_("整改期限"),
        required=False,
        widget=date_input(),
        help_text=_("默认：一般隐患 15 天，重大隐患 60 天"),
    )
    funds = forms.DecimalField(
        label=_("整改资金（元）"),
        required=False,
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
        error_messages={"min_value": _("整改资金不能为负数。")},
    )
    emergency_plan = forms.CharField(
        label=_("应急预案"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("重大隐患必填"),
    )
    photos = PhotoField(label=_("隐患照片"), help_text=_("可直接用手机拍照，可多张"))

    def __init__(self, *args, persons=(), leaders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_person"] = UserChoiceField(
            label=_("整改责任人"),
            users=persons,
            error_messages={"required": _("请指定整改责任人。")},
        )
        self.fields["responsible_leader"] = UserChoiceField(
            label=_("责任领导"),
            users=leaders,
            error_messages={"required": _("请指定责任领导。")},
        )
        self.no_persons = not persons
        if len(self.fields["responsible_person"].users) == 1:
            self.fields["responsible_person"].initial = next(iter(persons)).pk
        # Leaders of this enterprise (then of its township) come first: suggest the first.
        if leaders and getattr(leaders[0], "is_local", False):
            self.fields["responsible_leader"].initial = leaders[0].pk
        level = self.fields["level"].initial
        self.fields["deadline"].initial = default_deadline(level)
        self.fields["deadline"].widget.attrs.update(
            {
                "data-default-general": default_deadline(Level.GENERAL).isoformat(),
                "data-default-major": default_deadline(Level.MAJOR).isoformat(),
            }
        )

    def lock_major(self) -> None:
        """A checklist item graded major by the standard (判定标准) stays major."""
        field = self.fields["level"]
        field.initial = Level.MAJOR
        field.disabled = True
        field.help_text = _("按判定标准为重大事故隐患，等级不可更改")
        self.fields["deadline"].initial = default_deadline(Level.MAJOR)

    def clean_plan(self, cleaned: dict) -> None:
        """The five-point plan check of the ledger (hazards/plan.py) on what parsed."""
        values = {key: cleaned[key] for key in PLAN_FIELDS if key in cleaned}
        for field, messages in plan_errors(values).items():
            self.add_error(field, messages)

    def plan_fields(self) -> dict:
        data = self.cleaned_data
        fields = {
            key: data.get(key)
            for key in (
                "level",
                "location",
                "measures",
                "responsible_person",
                "responsible_leader",
                "emergency_plan",
            )
        }
        level = data.get("level") or Level.GENERAL
        fields["deadline"] = data.get("deadline") or default_deadline(level)
        fields["funds"] = data.get("funds") if data.get("funds") is not None else Decimal("0")
        return fields


class ItemResultForm(FormErrorsMixin, HazardPlanMixin):
    """One checklist card: 合格 / 不合格 / 不适用, a remark, and on 不合格 the hazard."""

    result = forms.ChoiceField(
        label=_("检查结果"),
        choices=ItemResult.choices,
        error_messages={
            "required": _("请选择检查结果：合格、不合格或不适用。"),
            "invalid_choice": _("检查结果只能是合格、不合格或不适用。"),
        },
    )
    remark = forms.CharField(
        label=_("备注"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, item, **kwargs):
        kwargs.setdefault("prefix", f"i{item.pk}")
        kwargs.setdefault("initial", {"remark": item.remark})
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["measures"].initial = item.suggested_measures
        self.fields["measures"].help_text = _("已按检查项预填，可修改")
        if item.major_by_standard:
            self.lock_major()
        # The item already registered a hazard: its plan is set, only photos may be added.
        self.has_hazard = bool(item.hazard_id and item.hazard.state != "voided")

    def clean(self):
        cleaned = super().clean()
        result = cleaned.get("result")
        if result != ItemResult.FAIL or self.has_hazard:
            # The plan only matters when this submission registers a hazard: a typo in
            # a hidden field must not block 合格 / 不适用.
            for name in PLAN_FIELDS:
                self._errors.pop(name, None)
        if result == ItemResult.FAIL and not self.has_hazard:
            self.clean_plan(cleaned)
        elif result and result != ItemResult.FAIL and cleaned.get("photos"):
            self.add_error("photos", _("只有不合格项需要上传隐患照片。"))
        return cleaned


class FreeHazardForm(FormErrorsMixin, HazardPlanMixin):
    """A hazard found on site that no checklist item covers."""

    title = forms.CharField(label=_("隐患名称"), max_length=200)
    category = forms.ChoiceField(label=_("隐患类别"), choices=Category.choices)
    description = forms.CharField(
        label=_("隐患描述"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    basis = forms.CharField(label=_("依据"), required=False, max_length=255)

    field_order = [
        "title",
        "category",
        "level",
        "location",
        "description",
        "basis",
        "measures",
        "responsible_person",
        "responsible_leader",
        "deadline",
        "funds",
        "emergency_plan",
        "photos",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)
        self.fields["title"].error_messages["required"] = _("请填写隐患名称。")
        self.fields["category"].error_messages["required"] = _("请选择隐患类别。")

    def clean(self):
        cleaned = super().clean()
        self.clean_plan(cleaned)
        return cleaned

    def hazard_fields(self) -> dict:
        fields = self.plan_fields()
        for key in ("title", "category", "description", "basis"):
            fields[key] = self.cleaned_data.get(key) or ""
        return fields


class StartForm(FormErrorsMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("检查类型"),
        choices=InspectionKind.choices,
        initial=InspectionKind.ROUTINE,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择检查类型。")},
    )
    inspected_on = forms.DateField(
        label=_("检查日期"),
        widget=date_input(),
        error_messages={"required": _("请填写检查日期。"), "invalid": _("请输入有效的日期。")},
    )
    template = forms.ModelChoiceField(
        label=_("检查表"),
        queryset=None,
        required=False,
        empty_label=_("不使用检查表（仅登记隐患）"),
        help_text=_("默认使用企业所属行业的检查表"),
    )
    co_inspectors = forms.ModelMultipleChoiceField(
        label=_("同行检查人员"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    campaign = forms.ModelChoiceField(
        label=_("专项检查活动"), queryset=None, required=False, empty_label=_("（不属于专项活动）")
    )
    original = forms.ModelChoiceField(
        label=_("原检查（复查时必选）"),
        queryset=None,
        required=False,
        empty_label=_("（请选择）"),
    )

    def __init__(
        self, *args, templates, colleagues, campaigns, originals, default_template=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["inspected_on"].initial = local_today()
        self.fields["template"].queryset = templates
        self.fields["template"].initial = default_template.pk if default_template else None
        self.fields["co_inspectors"].queryset = colleagues
        self.fields["co_inspectors"].label_from_instance = colleague_label
        self.fields["campaign"].queryset = campaigns
        self.fields["original"].queryset = originals
        self.fields["original"].label_from_instance = lambda i: (
            _("%(date)s %(kind)s（%(number)s）")
            % {
                "date": i.inspected_on.isoformat(),
                "kind": i.get_kind_display(),
                "number": i.notice_number or _("无文书号"),
            }
        )
        for name in ("template", "campaign", "original"):
            self.fields[name].error_messages["invalid_choice"] = _("所选项无效，请从列表中选择。")
        self.fields["co_inspectors"].error_messages["invalid_choice"] = _(
            "所选检查人员无效，请从列表中选择。"
        )
        self.fields["co_inspectors"].error_messages["invalid_pk_value"] = _(
            "所选检查人员无效，请从列表中选择。"
        )

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == InspectionKind.FOLLOW_UP and not cleaned.get("original"):
            if "original" in self.errors:
                pass
            elif self.fields["original"].queryset.exists():
                self.add_error("original", _("复查必须关联原检查。"))
            else:
                self.add_error("original", _("该企业没有可复查的检查（需已定稿并发现隐患）。"))
        if kind and kind != InspectionKind.FOLLOW_UP and cleaned.get("original"):
            self.add_error("original", _("只有复查可以关联原检查。"))
        day = cleaned.get("inspected_on")
        if day and day > local_today():
            self.add_error("inspected_on", _("检查日期不能晚于今天。"))
        return cleaned


class FinalizeForm(FormErrorsMixin, forms.Form):
    summary = forms.CharField(
        label=_("检查情况"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("写入责令限期整改指令书"),
    )


class FollowUpForm(FormErrorsMixin, PhotoFormMixin, forms.Form):
    """Re-check one of the original inspection's hazards on a follow-up visit."""

    result = forms.ChoiceField(
        label=_("复查结果"),
        choices=ReviewResult.choices,
        error_messages={
            "required": _("请选择复查结果。"),
            "invalid_choice": _("复查结果只能是合格或不合格。"),
        },
    )
    comment = forms.CharField(
        label=_("复查意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("不合格时必填"),
    )
    new_deadline = forms.DateField(
        label=_("新的整改期限"),
        required=False,
        widget=date_input(),
        help_text=_("不合格时必填"),
        error_messages={"invalid": _("请输入有效的日期。")},
    )
    photos = PhotoField(label=_("复查照片"))

    def __init__(self, *args, hazard, **kwargs):
        kwargs.setdefault("prefix", f"h{hazard.pk}")
        super().__init__(*args, **kwargs)
        self.hazard = hazard
        self.fields["new_deadline"].initial = default_deadline(hazard.level)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("result") == ReviewResult.FAIL:
            # The ledger's own check (hazards/plan.py); a field that did not parse has
            # its error already.
            errors = failed_review_errors(cleaned.get("comment"), cleaned.get("new_deadline"))
            for field, messages in errors.items():
                if field not in self.errors:
                    self.add_error(field, messages)
        return cleaned
