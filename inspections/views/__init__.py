"""The inspector's pages (docs/workflows.md, "The inspection workflow"): my inspections,
start one at an enterprise, walk its checklist on a phone, log free hazards, finalize
and print the notice, follow-up visits, and campaigns (read-only).

Views parse input with the forms in ``forms.py`` and write only through the model
transitions; ``InvalidTransition`` becomes a message, a model ``ValidationError``
becomes errors next to the field. Who may take a step, and when, is asked of the policy
(inspections/policy.py). Every lookup goes through ``visible_to``: an inspection out of
scope is a 404, like a missing one.
"""

from .campaigns import campaign_detail, campaign_list
from .common import inspector_required
from .follow_up import follow_up_review
from .start import inspection_list, start, start_search
from .walk import detail, finalize, hazard_new, item

__all__ = [
    "campaign_detail",
    "campaign_list",
    "detail",
    "finalize",
    "follow_up_review",
    "hazard_new",
    "inspection_list",
    "inspector_required",
    "item",
    "start",
    "start_search",
]
