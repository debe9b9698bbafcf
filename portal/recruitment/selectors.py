"""Reading applications: each person's lists, filtered by the access rules in the database, and who receives them."""

from __future__ import annotations

from django.db.models import QuerySet

from portal import access
from portal.accounts.selectors import company_admins
from portal.recruitment.models import Application


def readable_by(user) -> QuerySet[Application]:
    """What `user` may read: their own, their company side's, their followed students' (a list's rule: one query
    reads which of these they may have at all)."""
    return Application.objects.filter(access.applications.listed_q(user))


def received_by(user) -> QuerySet[Application]:
    """What `user` receives and manages for a company (offer authors, administrators)."""
    return Application.objects.filter(access.applications.company_q(user))


def followed_by(user) -> QuerySet[Application]:
    """The applications of the students `user` follows as school staff."""
    return Application.objects.filter(access.applications.school_q(user))


def own_active_application(user, offer) -> Application | None:
    """The student's application to `offer` that is still alive, if any."""
    if not user.is_authenticated:
        return None
    return Application.objects.active().filter(student=user, offer=offer).first()


def recipients(application: Application) -> list:
    """Who receives a new application: the offer's author, or the administrators (spontaneous, or no author)."""
    offer = application.offer if application.offer_id else None
    if offer is not None and offer.author_id and access.can(offer.author, access.offers.VIEW_OFFER_APPLICATIONS, offer):
        return [offer.author]
    return list(company_admins(application.company_id))
