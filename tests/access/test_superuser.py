"""A superuser's "every row" stays every row when a rule combines it with another condition."""

import pytest

from cms_pages.models import OfferPage
from portal import access
from portal.recruitment.models import Application
from tests.factories import ProgrammeFactory, UserFactory
from tests.recruitment.fixtures import published_offer
from tests.recruitment.test_services import applied


@pytest.mark.django_db
def test_a_superuser_reads_a_targeted_offer_and_any_application(company, author, applicant):
    offer = published_offer(company, author)
    offer.target_programmes.set([ProgrammeFactory()])
    application = applied(applicant, offer=published_offer(company, author, title="Data analyst"))
    superuser = UserFactory(is_superuser=True, is_staff=True)

    assert OfferPage.objects.filter(access.offers.audience_q(superuser), pk=offer.pk).exists()
    assert access.offers.visible(superuser, offer)
    assert Application.objects.filter(access.applications.visible_q(superuser), pk=application.pk).exists()
    assert access.applications.can_read(superuser, application)
