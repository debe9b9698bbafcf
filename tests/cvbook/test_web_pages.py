"""The CV book on the web: the company's guided search, a profile, its CV and « contacter l'étudiant »; the student's
« mon profil CV-book » and « offres pour vous »; the suggested profiles of the workspace; a school's sharing."""

import datetime
import re
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse

from portal.cvbook import services
from portal.cvbook.models import Profile, ProfileDocument, ProfileView, SchoolSharing
from portal.reference.choices import OfferStatus
from tests.factories import CompanyFactory, OfferFactory, ProgrammeFactory, cvbook_profile, school_staff, student
from tests.recruitment.files import cv, letter, pdf_bytes, upload
from tests.recruitment.fixtures import published_offer
from tests.recruitment.test_hostile_uploads import EXE


def search_url(company) -> str:
    return reverse("cvbook:search", args=[company.pk])


def links(html: str, css_class: str) -> dict[str, str]:
    """{text: href} of the links of class `css_class`."""
    found = re.findall(rf'<a class="{css_class}"[^>]*href="([^"]+)"[^>]*>(.*?)</a>', html, re.S)
    return {" ".join(re.sub(r"<[^>]+>", " ", unescape(text)).split()): unescape(href) for href, text in found}


@pytest.fixture
def profiles(programme, school, ines, ines_profile):
    """Inès's request and two more: a Tunisian data request, an electronics one at bachelor level."""
    bachelor = ProgrammeFactory(organisation=school, name="Électronique", level="bachelor")
    data = cvbook_profile(
        student(programme), visible=True, title="Analyste de données", sector="62", country="TN", keywords=["SQL"]
    )
    robot = cvbook_profile(
        student(bachelor), visible=True, title="Robotique", sector="26", country="BE", keywords=["Robotique"]
    )
    services.upload_documents(ines, cv=cv("cv_ines.pdf"), motivation_letter=letter("lettre_ines.pdf"), by=ines)
    return {"ines": ines_profile, "data": data, "robot": robot}


@pytest.mark.django_db
def test_a_member_narrows_the_cv_book_by_two_facet_terms_opens_a_profile_and_downloads_its_cv(
    client, contact, company, profiles
):
    # Given a secondary contact on « Accéder aux meilleurs profils », from the company menu
    client.force_login(contact)
    dashboard = client.get(reverse("accounts:dashboard")).content.decode()
    assert search_url(company) in dashboard and "Access the best profiles" in dashboard
    page = client.get(search_url(company))
    assert page.status_code == 200
    assert "3 profiles found" in page.content.decode()

    # When they click the sector 62, then the country Belgium, in the guided search
    sector_links = links(page.content.decode(), "facet__link")
    in_sector = client.get(search_url(company) + sector_links[next(t for t in sector_links if t.startswith("62 "))])
    html = in_sector.content.decode()
    assert "2 profiles found" in html
    country_links = links(html, "facet__link")
    narrowed = client.get(search_url(company) + country_links["Belgium"])
    html = narrowed.content.decode()

    # Then one request is left, with its name, keywords, sector, country, date and documents
    assert "1 profile found" in html
    assert "Demande de PFE en développement Python" in html and "Inès Ben Amor" in html
    assert "Analyste de données" not in html and "Robotique" not in html
    for shown in ("API REST", "Django", "Python", "Belgium", "CV — cv_ines.pdf", "Motivation letter — lettre_ines.pdf"):
        assert shown in html
    # The chosen terms link back without themselves (« ☒ »)
    assert 'aria-current="true"' in html

    # When they open the profile and download the CV
    detail = client.get(reverse("cvbook:detail", args=[company.pk, profiles["ines"].pk]))
    assert detail.status_code == 200
    assert "Haute École du Val de Meuse" in detail.content.decode()
    document = ProfileDocument.objects.get(kind="cv")
    download = client.get(reverse("cvbook:document", args=[company.pk, profiles["ines"].pk, document.pk]))

    # Then the file comes as an attachment, and the student will see that the company came
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment") and "cv_ines.pdf" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == pdf_bytes("Curriculum vitae")
    assert list(ProfileView.objects.values_list("company__title", flat=True)) == ["Talos Health Solutions"]


@pytest.mark.django_db
def test_a_member_contacts_the_student_from_the_profile_page(client, admin, company, ines, ines_profile, on_commit):
    client.force_login(admin)
    url = reverse("cvbook:contact", args=[company.pk, ines_profile.pk])

    with on_commit():
        response = client.post(url, {"body": "Bonjour, nous aimerions vous rencontrer."}, follow=True)

    assert "Your message was sent to the student by e-mail." in response.content.decode()
    assert [message.to for message in mail.outbox] == [[ines.email]]
    assert "nous aimerions vous rencontrer" in mail.outbox[0].body


@pytest.mark.django_db
def test_an_unknown_term_in_the_address_shows_a_form_error_not_a_server_error(client, admin, company, profiles):
    client.force_login(admin)

    response = client.get(search_url(company), {"sector": "00", "level": "kindergarten", "page": "999"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Some criteria are not valid" in html and "errorlist" in html
    assert client.get(search_url(company), {"page": "999"}).status_code == 200


@pytest.mark.django_db
def test_students_and_moderators_are_refused_the_cv_book_and_visitors_sent_to_sign_in(
    client, company, ines, moderator, staff, profiles
):
    for person in (ines, moderator, staff):
        client.force_login(person)
        assert client.get(search_url(company)).status_code == 403
        assert client.get(reverse("cvbook:detail", args=[company.pk, profiles["ines"].pk])).status_code == 403
    client.logout()
    response = client.get(search_url(company))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_a_hidden_profile_and_another_companys_search_answer_404(client, admin, company, ines, profiles):
    client.force_login(admin)
    services.set_visible(ines, False, by=ines)

    assert client.get(reverse("cvbook:detail", args=[company.pk, profiles["ines"].pk])).status_code == 404
    assert client.get(search_url(CompanyFactory(title="Nexa"))).status_code == 404


@pytest.mark.django_db
def test_the_student_writes_the_profile_with_documents_and_sees_a_refused_cv_next_to_its_field(client, ines):
    client.force_login(ines)
    url = reverse("cvbook:profile")
    form = {
        "visible": "on",
        "title": "Demande de stage en robotique",
        "summary": "Passionnée de robots.",
        "sector": "26",
        "country": "BE",
        "study_level": "master",
        "keywords": "Robotique, électronique, robotique",
        "available_from": "2027-03-01",
        "receives_digest": "on",
    }

    refused = client.post(url, {**form, "cv": upload("cv.pdf", EXE)})
    assert refused.status_code == 200
    assert re.search(r'id="id_cv_error".*?not a PDF, DOCX or ODT document', refused.content.decode(), re.S)
    assert not Profile.objects.exists() and not ProfileDocument.objects.exists()  # all or nothing

    saved = client.post(url, {**form, "cv": cv("cv.pdf")}, follow=True)
    assert "Your CV-book profile was saved." in saved.content.decode()
    profile = Profile.objects.get()
    assert (profile.visible, profile.title, profile.sector_id) == (True, "Demande de stage en robotique", "26")
    assert profile.keyword_list == ["électronique", "Robotique"]
    assert profile.cv.name == "cv.pdf"

    no_title = client.post(url, {**form, "title": ""})
    assert "Give your profile a title" in no_title.content.decode()


@pytest.mark.django_db
def test_the_students_home_shows_offers_for_them_their_visitors_and_the_switch(
    client, ines, ines_profile, company, admin
):
    published_offer(
        company,
        title="Développeur Django",
        mission="Développer une API REST en Python et Django.",
        sector_id="62",
        country_id="BE",
        start_date=datetime.date(2027, 2, 1),
    )
    services.record_view(ines_profile, company, by=admin)
    client.force_login(ines)

    home = client.get(reverse("accounts:dashboard")).content.decode()

    assert "Offers for you" in home and "Développeur Django" in home and "3 keywords in common" in home
    assert "My CV-book profile" in home and "Visible to companies" in home
    assert "Talos Health Solutions" in home
    hidden = client.post(reverse("cvbook:set_visibility"), {"next": "home"}, follow=True)
    assert "Your profile is hidden: no company finds it any more." in hidden.content.decode()
    assert not Profile.objects.get().visible
    assert client.get(reverse("cvbook:matching_offers")).status_code == 200


@pytest.mark.django_db
def test_the_workspace_links_each_offer_to_its_suggested_profiles(client, admin, company, ines_profile):
    offer = published_offer(company, admin, title="Développeur web", mission="Python et Django.", sector_id="62")
    OfferFactory(parent=company, author=admin, title="Annulée", status=OfferStatus.CANCELLED)
    client.force_login(admin)

    workspace = client.get(reverse("offers:workspace", args=[company.pk])).content.decode()
    suggestions = reverse("cvbook:offer_profiles", args=[offer.pk])
    assert suggestions in workspace
    page = client.get(suggestions).content.decode()

    assert "Demande de PFE en développement Python" in page
    assert "2 keywords in common" in page and "Same sector" in page


@pytest.mark.django_db
def test_a_programme_head_keeps_the_schools_profiles_out_of_the_cv_book(
    client, staff, school, admin, company, profiles
):
    tutor = school_staff(school, role="academic_tutor", email="tutor@school.test")
    url = reverse("cvbook:sharing", args=[school.pk])
    client.force_login(tutor)
    assert client.get(url).status_code == 404

    client.force_login(staff)
    assert url in client.get(reverse("accounts:dashboard")).content.decode()
    saved = client.post(url, {"opted_out": "on"}, follow=True)

    assert "The sharing of your students' profiles was saved." in unescape(saved.content.decode())
    assert SchoolSharing.objects.get(school=school).opted_out
    client.force_login(admin)
    assert "0 profiles found" in client.get(search_url(company)).content.decode()
