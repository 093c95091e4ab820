"""``{% may "hazards.review" hazard as can_review %}``: the policy's answer in a template.

With an object it is the whole answer (role, the caller's tie, the state); without one,
whether the user's role may ever take the step (menus). Unlike ``{% has_perm %}`` it
does not let a superuser past the state checks (accounts/policy.py explains why).
"""

from django import template

from accounts import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context, step: str, obj=None) -> bool:
    user = context.get("user") or getattr(context.get("request"), "user", None)
    if obj is None:
        return policy.role_allows(step, user)
    return policy.decide(step, user, obj).allowed
