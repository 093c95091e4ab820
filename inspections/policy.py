"""Who may take each step of an inspection, and when (accounts/policy.py explains the
parts). The steps: start one, edit the draft and its team, walk the checklist, log a
free hazard, finalize, re-check the original hazards on a follow-up visit, print the
rectification notice; and the bureau's campaigns.

A follow-up re-check is also a ledger step: ``Hazard.review`` asks ``hazards.pass_review``
/ ``hazards.fail_review`` for the hazard itself.
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from accounts.policy import B, I, check, define
from enterprises.policy import BUREAU_ONLY

from .choices import InspectionKind, InspectionStatus

# --- the inspection's state, each named once ---------------------------------------------


def _state_check(test):
    return rules.predicate(lambda user, inspection: inspection is not None and test(inspection))


is_draft = _state_check(lambda i: i.status == InspectionStatus.DRAFT)
is_finalized = _state_check(lambda i: i.status == InspectionStatus.FINALIZED)
is_follow_up_visit = _state_check(
    lambda i: i.kind == InspectionKind.FOLLOW_UP and i.original_id is not None
)
has_notice = _state_check(lambda i: bool(i.notice_number))


def _not_an_inspector(user, obj) -> str:
    return _("检查人员必须是检查员或安监局工作人员：%(name)s。") % {"name": user}


INSPECTORS_ONLY = _("只有检查员或安监局可以使用检查功能。")
FINALIZED = _("检查已定稿，不能修改；如需更正，请通过隐患整改流程办理。")
# One visit, one verdict per hazard (checked by the model under the inspection's lock).
ALREADY_CHECKED = _("本次复查已记录该隐患的复查结果，不能重复复查。")

# fmt: off
WHO = {
    # permission                      roles    refused (403) with
    "inspections.view":             ({I, B}, INSPECTORS_ONLY),  # the pages and the API
    "inspections.start":            ({I, B}, _("只有检查员或安监局可以开展检查。")),
    # Who may be on an inspection's team (the co-inspectors picked at start or edit).
    "inspections.join":             ({I, B}, _not_an_inspector),
    "inspections.edit":             ({I, B}, _("只有检查员或安监局可以修改检查。")),
    "inspections.record_item":      ({I, B}, _("只有检查员或安监局可以记录检查结果。")),
    "inspections.log_hazard":       ({I, B}, _("只有检查员或安监局可以登记检查发现的隐患。")),
    "inspections.finalize":         ({I, B}, _("只有检查员或安监局可以定稿。")),
    "inspections.view_follow_up":   ({I, B}, INSPECTORS_ONLY),
    "inspections.follow_up":        ({I, B}, _("只有检查员或安监局可以复查。")),
    "inspections.print_notice":     ({I, B}, INSPECTORS_ONLY),
    "inspections.create_campaign":  ({B},    BUREAU_ONLY),
    "inspections.edit_campaign":    ({B},    BUREAU_ONLY),
}

WHEN = {
    "inspections.edit":             [check(is_draft, FINALIZED)],
    "inspections.record_item":      [check(is_draft, FINALIZED)],
    "inspections.log_hazard":       [check(is_draft, FINALIZED)],
    "inspections.finalize":         [check(is_draft, _("该检查已定稿，不能重复定稿。"))],
    "inspections.view_follow_up":   [check(is_follow_up_visit, _("这不是复查检查，没有原检查的隐患。"))],
    "inspections.follow_up":        [check(is_follow_up_visit, _("这不是复查检查，不能记录复查结果。")),
                                     check(is_draft, FINALIZED)],
    "inspections.print_notice":     [check(is_finalized, _("检查定稿后才能出具责令限期整改指令书。")),
                                     check(has_notice, _("本次检查未发现隐患，无需出具责令限期整改指令书。"))],
}
# fmt: on

for _name, (_who, _refused) in WHO.items():
    define(_name, _who, _refused, when=WHEN.get(_name, ()))
