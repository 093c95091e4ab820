"""Who may take each step of the hazard ledger, and when (accounts/policy.py explains
the parts; docs/workflows.md the workflow).

Three tables: WHO (the roles that may ever take a step, and the 403 refusal), WHOSE
(the caller's tie to the object) and WHEN (the object's state, 409). The model steps,
the API, the pages and the permission matrix all read them; nothing else lists roles.
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from accounts.policy import EVERYONE, B, E, I, L, check, define, is_bureau, is_enterprise

from . import predicates
from .choices import OPEN_STATES, EscalationState, State

# --- the object's state, each named once -----------------------------------------------


def _state_check(test):
    """A state predicate over (user, obj); false when there is no object to judge."""
    return rules.predicate(lambda user, hazard: hazard is not None and test(hazard))


is_open = _state_check(lambda h: h.state in OPEN_STATES)
is_rectifying = _state_check(lambda h: h.state == State.RECTIFYING)
is_pending_review = _state_check(lambda h: h.state == State.PENDING_REVIEW)
# The on-site re-check rule: a rectifying hazard may be failed only after its deadline.
deadline_passed = _state_check(lambda h: predicates.may_fail_on_site(h.state, h.deadline))
escalation_open = _state_check(lambda esc: esc.state == EscalationState.OPEN)
escalation_unresolved = _state_check(lambda esc: esc.state != EscalationState.RESOLVED)


@rules.predicate
def of_own_enterprise(user, hazard) -> bool:
    return hazard is not None and user.enterprise_id == hazard.enterprise_id


@rules.predicate
def for_own_enterprise(user, enterprise) -> bool:
    """An enterprise user registers (自查自报) only for his own enterprise."""
    return enterprise is not None and user.enterprise_id == enterprise.pk


@rules.predicate
def is_addressee(user, escalation) -> bool:
    return escalation is not None and escalation.leader_id == user.pk


def _state_refusal(template):
    return lambda user, obj: template % {"state": obj.get_state_display()}


def _not_yet_due(user, hazard) -> str:
    return _("整改期限（%(deadline)s）未到，企业尚未提交整改，不能判定复查不合格。") % {
        "deadline": hazard.deadline.isoformat()
    }


REVIEWERS_ONLY = _("只有检查员或安监局可以复查。")
NOT_YOURS = _("您的账号不能进行此操作或访问此页面。")
NOT_A_PERSON = _("整改责任人必须是该企业的企业用户。")

# fmt: off
WHO = {
    # permission                         roles        refused (403) with
    "hazards.register":                 ({I, B, E},  _("只有检查员、安监局或企业用户可以登记隐患。")),
    "hazards.submit":                   ({E},        _("只有企业用户可以提交本企业的隐患整改。")),
    "hazards.review":                   ({I, B},     REVIEWERS_ONLY),  # pass or fail
    "hazards.pass_review":              ({I, B},     REVIEWERS_ONLY),
    "hazards.fail_review":              ({I, B},     REVIEWERS_ONLY),  # fail on site too
    "hazards.extend":                   ({I, B},     _("只有检查员或安监局可以延期。")),
    "hazards.change_level":             ({I, B},     _("只有检查员或安监局可以变更隐患等级。")),
    "hazards.downgrade_standard_major": ({B},        _("按判定标准认定的重大隐患，只有安监局可以降级。")),
    "hazards.void":                     ({B},        _("只有安监局可以作废隐患。")),
    "hazards.download_evidence":        (EVERYONE,   NOT_YOURS),  # within scope (404 outside)
    "hazards.view_escalations":         ({L, B},     NOT_YOURS),
    "hazards.acknowledge_escalation":   ({L},        _("只有被督办的责任领导可以签收。")),
    "hazards.resolve_escalation":       ({B},        _("只有安监局可以作出追责处理。")),
    # Who may be named in a hazard's plan (五落实), with the enterprise as the object.
    "hazards.be_responsible_person":    ({E},        NOT_A_PERSON),
    "hazards.be_responsible_leader":    ({L},        _("责任领导必须是领导角色的用户。")),
    # The menu offers the dashboard to supervisors; the page itself is open to every
    # role within its scope (the permission matrix holds it).
    "hazards.menu_dashboard":           ({B, I, L},  NOT_YOURS),
}

WHOSE = {
    "hazards.register":               [check(~is_enterprise | for_own_enterprise,
                                             _("企业用户只能为本企业自查自报隐患。"))],
    "hazards.submit":                 [check(of_own_enterprise, _("只能提交本企业的隐患整改。"))],
    "hazards.be_responsible_person":  [check(for_own_enterprise, NOT_A_PERSON)],
    "hazards.view_escalations":       [check(is_bureau | is_addressee, NOT_YOURS)],
    "hazards.acknowledge_escalation": [check(is_addressee, _("只有被督办的责任领导可以签收。"))],
}

CAN_FAIL = [
    check(is_open, _state_refusal(_("隐患当前状态为“%(state)s”，不能复查。"))),
    # A failure counts toward the two-strike rule: before the deadline the enterprise
    # still has time, so only a submitted hazard or an overdue one may be failed.
    check(is_pending_review | deadline_passed, _not_yet_due),
]

WHEN = {
    "hazards.submit":                 [check(is_rectifying, _state_refusal(_("隐患当前状态为“%(state)s”，不能提交整改。")))],
    "hazards.review":                 CAN_FAIL,  # failing is allowed wherever passing is
    "hazards.pass_review":            [CAN_FAIL[0], check(is_pending_review, _("企业尚未提交整改，不能复查合格销号。"))],
    "hazards.fail_review":            CAN_FAIL,
    "hazards.extend":                 [check(is_open, _state_refusal(_("隐患当前状态为“%(state)s”，不能延期。")))],
    "hazards.change_level":           [check(is_open, _("已销号或作废的隐患不能变更等级。"))],
    "hazards.void":                   [check(is_open, _state_refusal(_("隐患当前状态为“%(state)s”，不能作废。")))],
    "hazards.acknowledge_escalation": [check(escalation_open, _("该督办已签收，不能重复签收。"))],
    "hazards.resolve_escalation":     [check(escalation_unresolved, _("该督办已处理，不能重复处理。"))],
}
# fmt: on

for _name, (_who, _refused) in WHO.items():
    define(_name, _who, _refused, whose=WHOSE.get(_name, ()), when=WHEN.get(_name, ()))
