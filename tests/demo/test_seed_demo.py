"""The demo data: what API.md promises, deterministic and idempotent."""

import pytest
from django.core.management import call_command
from django.http import HttpRequest
from wagtail.models import Page, PageLogEntry, ReferenceIndex

from cms_pages.models import ContactPage, GuidePage, OfferPage, OrganisationPage
from portal import access
from portal.accounts.models import HubModerator, Membership, Student, User
from portal.accounts.stats import public_counters
from portal.cvbook import matching
from portal.cvbook import selectors as cvbook_selectors
from portal.cvbook.models import Profile
from portal.followup import selectors as followup
from portal.followup.choices import InternshipStatus, LabelState
from portal.followup.models import Internship
from portal.notifications.models import Notification
from portal.recruitment import selectors
from portal.recruitment.models import Application, ApplicationDocument
from portal.reference.choices import OfferStatus
from workflows import services


@pytest.mark.django_db
def test_seed_demo_creates_the_demo_portal_and_its_accounts_once(client):
    call_command("seed_demo", "--password", "demo-Password-1")
    counts = (OrganisationPage.objects.count(), OfferPage.objects.count(), User.objects.count())

    call_command("seed_demo", "--password", "demo-Password-1")

    assert (OrganisationPage.objects.count(), OfferPage.objects.count(), User.objects.count()) == counts
    assert OrganisationPage.objects.hubs().count() == 3
    assert OrganisationPage.objects.schools().count() == 4
    assert OrganisationPage.objects.companies().count() == 30
    assert OfferPage.objects.count() == 200
    assert set(OfferPage.objects.values_list("status", flat=True)) == set(OfferStatus.values)
    assert not OfferPage.objects.live().exclude(status=OfferStatus.PUBLISHED).exists()
    assert not OfferPage.objects.filter(status=OfferStatus.PUBLISHED, live=False).exists()
    assert Student.objects.count() >= 100
    assert {g.audience for g in GuidePage.objects.live()} == {"company", "student", "school"}
    for company in OrganisationPage.objects.companies():
        roles = sorted(Membership.objects.filter(organisation=company).values_list("role", flat=True))
        assert roles.count("admin") == 1 and 1 <= roles.count("secondary") <= 3
        assert company.expertise_domains
    # The contact page lists each hub's team once, however many times the command runs.
    teams = ContactPage.objects.get().teams.all()
    assert sorted(team.hub_id for team in teams) == sorted(OrganisationPage.objects.hubs().values_list("pk", flat=True))

    # The demo accounts of API.md hold their roles and sign in with the given password.
    editor = User.objects.get(email="editor@demo.example")
    admin = User.objects.get(email="admin@company1.demo.example")
    contact = User.objects.get(email="contact@company1.demo.example")
    moderator = User.objects.get(email="moderator@demo.example")
    company = admin.memberships.get().organisation

    assert editor.is_superuser
    assert admin.memberships.get().role == "admin" and access.can(admin, access.organisations.MANAGE_CONTACTS, company)
    assert contact.memberships.get(organisation=company).can_create_offers
    assert access.can(contact, access.organisations.CREATE_OFFERS, company)
    assert access.can(moderator, access.organisations.MODERATE_OFFERS, HubModerator.objects.get(user=moderator).hub)
    assert Student.objects.filter(user__email="student1@demo.example").exists()
    assert User.objects.get(email="tutor@school1.demo.example").school_roles.count() == 2
    for email in ("editor@demo.example", "student1@demo.example", "tutor@school1.demo.example"):
        # The login limits count every sign-in by the request it comes with.
        assert client.login(request=HttpRequest(), email=email, password="demo-Password-1"), email

    # Applications went through the real services: the demo student follows theirs, the company reads them.
    student = User.objects.get(email="student1@demo.example")
    own = Application.objects.filter(student=student)
    assert sorted((a.is_spontaneous, a.status) for a in own) == [(False, "interview"), (True, "pending")]
    assert Application.objects.count() >= 50
    # (the accepted ones are those of the internships' students, spontaneous: no offer gets filled by them)
    assert {a.status for a in Application.objects.all()} == {"pending", "read", "interview", "cancelled", "accepted"}
    document = ApplicationDocument.objects.filter(application__student=student, kind="cv").first()
    assert document.file.read().startswith(b"%PDF-")
    assert selectors.received_by(admin).filter(company=company).count() >= 2
    assert (
        selectors.followed_by(User.objects.get(email="tutor@school1.demo.example")).filter(student=student).count() == 2
    )

    # Internships at every stage of the follow-up, through the real services: the demo accounts follow them.
    tutor = User.objects.get(email="tutor@school1.demo.example")
    internships = Internship.objects.filter(company=company)
    assert {i.status for i in internships} == set(InternshipStatus.values)
    assert {i.label for i in internships} == set(LabelState.values)
    assert Internship.objects.get(student=student).status == "active"
    assert Internship.objects.get(student=student).journal.exists()
    for person in (student, admin, contact, tutor):
        assert client.login(request=HttpRequest(), email=person.email, password="demo-Password-1")
        assert student.last_name in client.get("/suivi/").content.decode()
    awarded = internships.get(label="awarded")
    assert client.get(f"/suivi/{awarded.pk}/certificat.pdf").content.startswith(b"%PDF-")
    assert followup.labelled_count(company) == 1

    # Half of the students keep a visible CV-book profile, with keywords and documents, that companies find and
    # that offers match: the demo student among them. The counters show them.
    visible = Profile.objects.online()
    assert 0.3 * Student.objects.count() <= visible.count() <= 0.7 * Student.objects.count()
    own = visible.get(student__user=student)
    assert own.title and own.sector_id and len(own.keyword_list) >= 3
    assert {d.kind for d in own.documents.all()} == {"cv", "motivation_letter"}
    assert own.cv.file.read().startswith(b"%PDF-")
    assert public_counters()["cvs"] == visible.count()
    assert cvbook_selectors.search_profiles(company, {}).profiles.count() == visible.count()
    assert cvbook_selectors.search_profiles(company, {"q": own.keyword_list[0]}).profiles.count() >= 1
    assert matching.offers_for(student, own)

    # Offers awaiting validation sit in the real workflow: the demo moderator can approve one, and no mail went out.
    assert not Notification.objects.exists()
    waiting = OfferPage.objects.get(company=company, status=OfferStatus.AWAITING_HUB_VALIDATION)
    services.approve_offer(waiting, by=moderator)
    waiting.refresh_from_db()
    assert waiting.live and waiting.status == OfferStatus.PUBLISHED


@pytest.mark.django_db
def test_the_pages_written_in_bulk_are_those_wagtail_would_have_written():
    call_command("seed_demo")
    admin = User.objects.get(email="admin@company1.demo.example")
    company = OrganisationPage.objects.get(memberships__user=admin)

    # The tree holds: treebeard finds no wrong path, depth or child count.
    assert all(not problems for problems in Page.find_problems())
    assert company.get_children().count() == company.numchild == OfferPage.objects.filter(company=company).count()
    assert company.url_path.startswith("/accueil/organisations/")
    # Every page has its revision holding its content; a live page is live at that revision.
    offers = OfferPage.objects.select_related("latest_revision", "live_revision")
    for offer in offers:
        assert offer.latest_revision.as_object().title == offer.title
        assert offer.live_revision_id == (offer.latest_revision_id if offer.live else None)
    assert PageLogEntry.objects.filter(action="wagtail.create").count() >= OfferPage.objects.count()
    # Keywords and targeting, the reference index and the search index.
    offer = OfferPage.objects.live().filter(company=company).first()
    keyword = offer.keywords.first()
    assert ReferenceIndex.get_references_to(keyword).filter(object_id=str(offer.pk)).exists()
    assert offer in OfferPage.objects.live().search(offer.title)
    assert OfferPage.objects.exclude(target_countries=None).exists()
    # A secondary contact's offer awaits the company's administrator, who sends it on to the hub.
    draft = OfferPage.objects.filter(status=OfferStatus.AWAITING_COMPANY_VALIDATION, company=company).first()
    services.approve_offer(draft, by=admin)
    draft.refresh_from_db()
    assert draft.status == OfferStatus.AWAITING_HUB_VALIDATION
    assert draft.current_workflow_task.name == "Reference hub validation"
    # The author of each offer manages it.
    assert all(access.can(offer.author, access.offers.MANAGE_OFFER, offer) for offer in OfferPage.objects.all())
