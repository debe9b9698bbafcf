"""The offer lifecycle as data: which action is allowed from which status.

Read by the access rules (which buttons a person sees) and by the services (409 when the status
does not allow an action). No query and no import of the portal's upper layers here.
"""

from django.utils.translation import pgettext_lazy

from portal.reference.choices import OfferStatus as S

ALL_STATUSES = frozenset(S.values)

# From which statuses each action is allowed.
TRANSITIONS: dict[str, frozenset[str]] = {
    "edit": frozenset({S.DRAFT}),
    "submit": frozenset({S.DRAFT}),
    "approve": frozenset({S.AWAITING_COMPANY_VALIDATION, S.AWAITING_HUB_VALIDATION}),
    "request-changes": frozenset({S.AWAITING_COMPANY_VALIDATION, S.AWAITING_HUB_VALIDATION}),
    "cancel": frozenset(
        {S.DRAFT, S.AWAITING_COMPANY_VALIDATION, S.AWAITING_HUB_VALIDATION, S.PUBLISHED, S.UNPUBLISHED}
    ),
    "renew": frozenset({S.PUBLISHED, S.UNPUBLISHED, S.FILLED, S.CANCELLED, S.ARCHIVED}),
    "duplicate": ALL_STATUSES,
    "unpublish": frozenset({S.PUBLISHED}),
    # Back online: at once when nothing changed since its approval, through moderation when something did.
    "republish": frozenset({S.UNPUBLISHED}),
    "fill": frozenset({S.PUBLISHED, S.UNPUBLISHED}),
    "archive": frozenset({S.PUBLISHED, S.UNPUBLISHED, S.FILLED, S.CANCELLED}),
}
ACTIONS = tuple(TRANSITIONS)
# What each action is called in messages and buttons.
ACTION_LABELS = {
    "edit": pgettext_lazy("offer action", "Edit"),
    "submit": pgettext_lazy("offer action", "Submit"),
    "approve": pgettext_lazy("offer action", "Approve"),
    "request-changes": pgettext_lazy("offer action", "Request changes"),
    "cancel": pgettext_lazy("offer action", "Cancel"),
    "renew": pgettext_lazy("offer action", "Renew / edit"),
    "duplicate": pgettext_lazy("offer action", "Duplicate"),
    "unpublish": pgettext_lazy("offer action", "Unpublish"),
    "republish": pgettext_lazy("offer action", "Republish"),
    "fill": pgettext_lazy("offer action", "Filled"),
    "archive": pgettext_lazy("offer action", "Archive"),
}
# Taken by those who decide on an offer (its company's administrators, then its hub's moderators) ...
APPROVAL_ACTIONS = ("approve", "request-changes")
# ... and by those who write it (its company's administrators, or its author while they may create offers).
AUTHOR_ACTIONS = tuple(action for action in ACTIONS if action not in APPROVAL_ACTIONS)
# While the administrator has not validated a contact's offer, its author may only edit, submit or copy it.
AWAITING_ADMIN = frozenset({S.AWAITING_COMPANY_VALIDATION})
BEFORE_ADMIN_VALIDATION = ("edit", "submit", "duplicate")


def status_allows(status: str, action: str) -> bool:
    """Does the offer's status allow `action` at all (else: 409)?"""
    return status in TRANSITIONS.get(action, ())


def author_may_while(status: str, action: str) -> bool:
    """May someone who is not the company's administrator take `action` in this status (else: 403)?"""
    return not (status in AWAITING_ADMIN and action in AUTHOR_ACTIONS and action not in BEFORE_ADMIN_VALIDATION)
