"""The API's side of the policy (accounts/policy.py): one DRF permission class for every
step of every app, so no viewset lists roles of its own."""

from __future__ import annotations

import copy

from rest_framework.permissions import SAFE_METHODS, BasePermission

from . import policy


class StepPermission(BasePermission):
    """403, with the policy's refusal, for a caller whose role may never take the step.

    ``StepPermission(create="hazards.register", submit="hazards.submit")`` guards a
    viewset's writes by action name, ``StepPermission("inspections.view", …)`` every
    other write too, and ``read="inspections.view"`` its reads (GET, HEAD, OPTIONS).
    Whatever it does not name is open to any signed-in user: the queryset's scope still
    applies (404 outside it), and the model step checks the object's state (409).

    After the lookup it also checks the caller's tie to the object (the policy's
    "whose" part, e.g. the escalation's addressee). ``scope_first=True`` leaves the role
    check until then too, so that a caller who cannot see the object gets 404, not 403.
    """

    def __init__(
        self,
        step: str | None = None,
        /,
        *,
        read: str | None = None,
        scope_first: bool = False,
        **actions: str,
    ):
        self.step = step
        self.read = read
        self.actions = actions
        self.scope_first = scope_first
        for name in (step, read, *actions.values()):
            if name is not None and name not in policy.STEPS:
                raise KeyError(f"unknown step {name}")

    def __call__(self) -> StepPermission:
        # DRF instantiates each entry of ``permission_classes`` per request: hand it a
        # copy, so that the refusal set below belongs to this request only.
        return copy.copy(self)

    def step_for(self, request, view) -> str | None:
        if request.method in SAFE_METHODS:
            return self.read
        return self.actions.get(getattr(view, "action", None), self.step)

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        step = self.step_for(request, view)
        if step is None or self.scope_first or policy.role_allows(step, user):
            return True
        self.message = policy.refusal(step, user)
        return False

    def has_object_permission(self, request, view, obj) -> bool:
        step = self.step_for(request, view)
        if step is None:
            return True
        verdict = policy.decide(step, request.user, obj, whose_only=True)
        if not verdict:
            self.message = verdict.reason
        return verdict.allowed
