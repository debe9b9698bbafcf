"""The public counters of the home page and of `GET /stats`."""

from django.db.models import Count, Q

from cms_pages.models import OfferPage, OrganisationPage
from portal.accounts.models import Student
from portal.cvbook.models import Profile
from portal.reference.choices import OrganisationKind


def public_counters() -> dict[str, int]:
    organisations = (
        OrganisationPage.objects.live()
        .public()
        .aggregate(
            companies=Count("pk", filter=Q(kind=OrganisationKind.COMPANY)),
            schools=Count("pk", filter=Q(kind=OrganisationKind.SCHOOL)),
            hubs=Count("pk", filter=Q(kind=OrganisationKind.HUB)),
        )
    )
    return {
        "students": Student.objects.filter(user__is_active=True).count(),
        "organisations": organisations["companies"] + organisations["schools"] + organisations["hubs"],
        "companies": organisations["companies"],
        "schools": organisations["schools"],
        # The profiles companies may find: switched on by their students, of schools that share them.
        "cvs": Profile.objects.online().count(),
        "live_offers": OfferPage.objects.live().public().count(),
    }
