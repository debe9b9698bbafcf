"""The access rules: the one place the portal decides who may see and do what.

One module per domain — `organisations` (companies, hubs, schools and the roles in them), `offers`,
`applications`, `cvbook` (students' profiles and who searches them), `followup` (internships) — and `spaces`
(what each person's menus show), over the primitives of `core`.
Views, the API, services and selectors ask these functions and nothing else; nothing outside this
package calls django-guardian.

    from portal import access
    access.require(user, access.organisations.MANAGE_CONTACTS, company)
    access.offers.workspace(user, company).actions(offer)
"""

from portal.access import applications, cvbook, followup, offers, organisations, spaces
from portal.access.core import can, require, visible

__all__ = ["applications", "can", "cvbook", "followup", "offers", "organisations", "require", "spaces", "visible"]
