"""Hostile markup written into every free-text field, through the API and the web forms, runs on no page.

Each test feeds the corpus of `tests/security/payloads.py` to the fields one kind of person writes, then
reads every page, API response and e-mail that shows those fields and lists what could run there.

A long text takes the whole corpus at once. A short field takes the payloads packed into as few values as
its length allows (`packed`), one value a write; the writes alternate between the API and the web forms,
each test of a pair taking its channel's share (`writes`): between them, every field holds every payload
that fits it, and both ways in are taken for every field. Each payload on its own goes through the sanitiser
of the one rich-text field, and the filter that renders it, in tests/security/test_markup.py.
"""

from urllib.parse import urlencode

import pytest
from django.core import mail

from cms_pages.models import OfferPage, OrganisationPage
from portal.accounts import services as account_services
from portal.accounts.models import SchoolStaff, User
from portal.recruitment import services as recruitment_services
from portal.recruitment.models import Application
from portal.recruitment.uploads import is_plain
from portal.reference.choices import OfferStatus
from tests.factories import (
    CompanyFactory,
    HubFactory,
    ProgrammeFactory,
    company_admin,
    hub_moderator,
    school_staff,
    secondary_contact,
    student,
)
from tests.recruitment.files import cv, letter, pdf_bytes, upload
from tests.recruitment.fixtures import published_offer
from tests.security.payloads import PAYLOADS, executable_markup, packed

pytestmark = pytest.mark.django_db

CHANNELS = ["api", "web"]
PASSWORD = "Un-Mot-De-Passe-Solide-42"
ALL = " ".join(PAYLOADS)  # what a long text field takes at once
# File names: those a browser sends as they are and the portal keeps (a name with a folder or a control
# character is refused: tests/recruitment/test_hostile_uploads.py), packed under the 150 characters kept.
FILE_NAMES = [f"{chunk}.pdf" for chunk in packed(140, [p for p in PAYLOADS if is_plain(p) and '"' not in p])]


def writes(channel: str, **limits) -> list[dict]:
    """This channel's share of the writes that give each field named every payload, packed under its length.

    Write `n` gives each field its value `n` (starting again for a field with fewer values); the API takes the
    even writes, the web forms the odd ones.
    """
    values = {field: packed(limit) for field, limit in limits.items()}
    count = max(len(chunks) for chunks in values.values())
    every = [{field: chunks[index % len(chunks)] for field, chunks in values.items()} for index in range(count)]
    return every[CHANNELS.index(channel) :: len(CHANNELS)]


def batched(items: list, size: int) -> list[list]:
    return [items[start : start + size] for start in range(0, len(items), size)]


class Pages:
    """Reads pages, API responses and e-mails, and keeps what could run in them."""

    def __init__(self):
        self.findings: list[str] = []
        self.read = 0

    def html(self, where: str, html: str, *, inline_styles=False) -> None:
        self.read += 1
        self.findings += [f"{where}: {finding}" for finding in executable_markup(html, inline_styles=inline_styles)]

    def get(self, client, url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert response["Content-Type"].startswith("text/html"), url
        self.html(url, response.content.decode())

    def every_page(self, client, url: str, *, pages: int) -> None:
        separator = "&" if "?" in url else "?"
        for number in range(1, pages + 1):
            self.get(client, f"{url}{separator}page={number}")

    def json(self, response, *rich_text: str) -> None:
        """A JSON answer is data, never a page: typed as JSON, not sniffed; its rich-text fields hold no script.

        Plain-text fields come back as they were written: escaping them is the job of whoever shows them.
        """
        assert response.status_code in (200, 201), (response.status_code, response.content[:300])
        assert response["Content-Type"].startswith("application/json")
        assert response["X-Content-Type-Options"] == "nosniff"
        self.read += 1
        body = response.json()
        for path in rich_text:
            for value in _values(body, path.split(".")):
                self.html(f"{response.wsgi_request.path} {path}", value or "")

    def mails(self) -> None:
        """The HTML of every e-mail sent (styled inline: e-mail clients read no style sheet)."""
        for message in mail.outbox:
            for content, mimetype in message.alternatives:
                if mimetype == "text/html":
                    self.html(f"e-mail « {message.subject[:60]} »", content, inline_styles=True)
        mail.outbox.clear()

    def assert_nothing_runs(self) -> None:
        shown = "\n".join(self.findings[:40])
        assert self.findings == [], f"{len(self.findings)} findings in {self.read} pages, the first ones:\n{shown}"


def _values(body, keys):
    if not keys:
        yield body
    elif isinstance(body, list):
        for item in body:
            yield from _values(item, keys)
    elif isinstance(body, dict) and keys[0] in body:
        yield from _values(body[keys[0]], keys[1:])


@pytest.fixture
def world():
    """A company with its administrator, a secondary contact and a live offer; a hub and its moderator; a school
    with a programme and a tutor who follows its students."""
    hub = HubFactory(title="Pôle mosan")
    company = CompanyFactory(title="Talos Health Solutions", registration_number="BE0999888777", reference_hub=hub)
    programme = ProgrammeFactory(name="Génie logiciel")
    return {
        "hub": hub,
        "company": company,
        "admin": company_admin(company, email="admin@talos.test"),
        "contact": secondary_contact(company, can_create_offers=True, email="contact@talos.test"),
        "offer": published_offer(company, title="Développeur web"),
        "moderator": hub_moderator(hub, email="moderator@hub.test"),
        "programme": programme,
        "school": programme.organisation,
        "tutor": school_staff(
            programme.organisation, role=SchoolStaff.Role.ACADEMIC_TUTOR, programme=programme, email="tutor@s.test"
        ),
    }


def signed_in(client, api_client, user) -> None:
    client.logout()
    api_client.force_authenticate(user)
    if user is not None:
        client.force_login(user)


# The company's data and its description: `PATCH /companies/{id}` and the company form.


def company_form(company, **fields) -> dict:
    data = {
        "name": company.title,
        "address": "",
        "postcode": "",
        "city": "",
        "country": "BE",
        "phone": "",
        "email": "",
        "sector": "62",
        "keywords": "",
        "description": "",
        "website": "",
    }
    data.update(fields)
    return data


@pytest.mark.parametrize("channel", CHANNELS)
def test_company_data_written_by_its_administrator_runs_on_no_page(client, api_client, world, channel):
    company, offer = world["company"], world["offer"]
    signed_in(client, api_client, world["admin"])
    pages = Pages()
    for index, values in enumerate(
        writes(channel, name=255, address=255, postcode=20, city=120, phone=40, description=1000)
    ):
        keywords = PAYLOADS if index == 0 else []
        if channel == "api":
            response = api_client.patch(
                f"/api/v1/companies/{company.pk}", {**values, "keywords": keywords}, format="json"
            )
            pages.json(response, "description")
        else:
            data = company_form(company, keywords=", ".join(keywords), **values)
            response = client.post(f"/comptes/entreprises/{company.pk}/donnees/", data)
            assert response.status_code == 302, response.context["form"].errors
        company.refresh_from_db()
        for url in (
            company.url,
            offer.url,
            f"/comptes/entreprises/{company.pk}/donnees/",
            f"/espace/entreprises/{company.pk}/offres/",
            "/organisations/?kind=company",
            "/comptes/entreprises/deja-inscrite/?q=BE0999888777",
        ):
            pages.get(client, url)
        pages.json(api_client.get(f"/api/v1/organisations/{company.pk}"), "description")
        pages.json(api_client.get(f"/api/v2/pages/{company.pk}/"), "description")
        pages.json(api_client.get(f"/api/v1/offers/{offer.pk}"))
        pages.json(api_client.get(f"/api/v1/registrations/companies/lookup?q={company.registration_number}"))
    if channel == "web":
        # A form refused shows again what was typed: here every payload in each field at once (too long).
        refused = company_form(company, name=ALL, address=ALL, city=ALL, phone=ALL, keywords=ALL, description=ALL)
        response = client.post(f"/comptes/entreprises/{company.pk}/donnees/", refused)
        assert response.status_code == 200 and response.context["form"].errors
        pages.html("the company form refused", response.content.decode())

    pages.assert_nothing_runs()


# The registration: `POST /registrations/companies` and the four steps of the wizard.

WIZARD = "/comptes/entreprises/inscription/"
REGISTRATIONS = 3  # of ten people each: every name once
WIZARD_PREFIX = "company_registration_wizard"


def register_through_the_wizard(client, hub, identity: dict, admin: dict, contacts: list[dict], description: str):
    def step(name, data, *, status=200):
        response = client.post(WIZARD, {f"{WIZARD_PREFIX}-current_step": name, **data})
        form = response.context["form"] if response.status_code == 200 else None
        assert response.status_code == status, form and form.errors
        return response

    step(
        "identity",
        {
            **{f"identity-{key}": value for key, value in identity.items()},
            "identity-country": "BE",
            "identity-admin_first_name": admin["first_name"],
            "identity-admin_last_name": admin["last_name"],
            "identity-admin_email": admin["email"],
            "identity-admin_language": "fr",
        },
    )
    rows = {"contacts-TOTAL_FORMS": str(len(contacts)), "contacts-INITIAL_FORMS": "0", "contacts-MAX_NUM_FORMS": "10"}
    for index, contact in enumerate(contacts):
        rows.update({f"contacts-{index}-{key}": value for key, value in contact.items()})
    step("contacts", rows)
    step(
        "activity",
        {
            "activity-sector": "62",
            "activity-keywords": ", ".join(PAYLOADS),
            "activity-description": description,
            "activity-website": "https://talos.example",
            "activity-reference_hub": str(hub.pk),
        },
    )
    step("terms", {"terms-accept_terms": "on"}, status=302)


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_registration_runs_on_no_page(client, api_client, world, channel):
    """The identity of the company, the names of its administrator and contacts, its keywords and description.

    Every name goes through each channel, ten a registration. The identity fields are the company's data that
    its form changes later: they hold every payload in the test above; the registration number, which no page
    nor answer shows, takes its share.
    """
    pages = Pages()
    names = iter(packed(150))
    limits = {"name": 240, "address": 255, "postcode": 20, "city": 120, "phone": 40, "registration_number": 40}
    for index, values in enumerate(writes(channel, **limits, description=1500)[:REGISTRATIONS]):
        people = [
            {"first_name": name, "last_name": name, "email": f"{channel}{index}-{n}@talos.test"}
            for n, name in zip(range(10), names, strict=False)
        ]
        admin, contacts = people[0], people[1:]
        name = f"{values['name']} {channel}{index}"
        identity = {**{field: values[field] for field in limits}, "name": name}
        signed_in(client, api_client, None)
        if channel == "api":
            response = api_client.post(
                "/api/v1/registrations/companies",
                {
                    **identity,
                    "country": "BE",
                    "sector": "62",
                    "keywords": PAYLOADS,
                    "description": values["description"],
                    "website": "https://talos.example",
                    "reference_hub": world["hub"].pk,
                    "admin": admin,
                    "contacts": contacts,
                    "accept_terms": True,
                },
                format="json",
            )
            pages.json(response)
        else:
            register_through_the_wizard(client, world["hub"], identity, admin, contacts, values["description"])
            pages.get(client, "/comptes/entreprises/inscription/terminee/")
        company = OrganisationPage.objects.get(title=name.strip())
        pages.get(client, company.url)
        pages.get(client, "/comptes/entreprises/deja-inscrite/?" + urlencode({"q": company.registration_number}))
        pages.json(api_client.get(f"/api/v1/organisations/{company.pk}"), "description")
        signed_in(client, api_client, User.objects.get(email=admin["email"]))
        pages.get(client, f"/comptes/entreprises/{company.pk}/contacts/")
        pages.get(client, "/comptes/mon-compte/")
        pages.json(api_client.get(f"/api/v1/companies/{company.pk}/contacts"))
        pages.mails()
    assert next(names, None) is None, "every name was given"

    pages.assert_nothing_runs()


# Offers: `POST /offers`, `PATCH /offers/{id}` and the offer form, by the administrator and a contact.


def offer_data(values: dict, *, channel: str, first: bool) -> dict:
    """An offer whose title and city hold this write's payloads; the first one also holds the whole corpus in
    its long texts and its keywords."""
    data = {
        "title": values["title"],
        "internship_type": "insertion",
        "mission": ALL if first else "Développer une application web.",
        "profile_sought": ALL if first else "",
        "study_level": "master",
        "duration_weeks": 12,
        "start_date": "2027-02-01",
        "city": values["city"],
        "country": "BE",
        "sector": "62",
        "places": 1,
    }
    keywords = PAYLOADS if first else ["python"]
    if channel == "api":
        return {**data, "keywords": keywords}
    return {**data, "keywords": ", ".join(keywords), "campaign": "", "remuneration": ""}


@pytest.mark.parametrize("channel", CHANNELS)
def test_offers_written_by_the_company_run_on_no_page(client, api_client, world, channel):
    company, admin, contact = world["company"], world["admin"], world["contact"]
    pages = Pages()
    offers = []
    for index, values in enumerate(writes(channel, title=255, city=120)):
        signed_in(client, api_client, contact if index % 2 else admin)
        if channel == "api":
            data = {**offer_data(values, channel=channel, first=index == 0), "company": company.pk}
            created = api_client.post("/api/v1/offers", data, format="json")
            pages.json(created)
            offer_id = created.json()["id"]
            if index == 0:
                pages.json(api_client.patch(f"/api/v1/offers/{offer_id}", {"profile_sought": ALL}, format="json"))
            pages.json(api_client.post(f"/api/v1/offers/{offer_id}/submit", format="json"))
        else:
            before = set(OfferPage.objects.values_list("pk", flat=True))
            response = client.post(
                f"/espace/entreprises/{company.pk}/offres/nouvelle/",
                offer_data(values, channel=channel, first=index == 0),
            )
            assert response.status_code == 302, response.context["form"].errors
            offer_id = OfferPage.objects.exclude(pk__in=before).get().pk
            if index == 0:  # the form of a draft shows what is stored in it
                pages.get(client, f"/espace/offres/{offer_id}/modifier/")
            assert client.post(f"/espace/offres/{offer_id}/action/submit/").status_code == 302
        offers.append(OfferPage.objects.get(pk=offer_id))

    if channel == "web":
        # A form refused shows again what was typed: here every payload in each field at once (too long).
        refused = {**offer_data({"title": ALL, "city": ALL}, channel=channel, first=True), "duration_weeks": ""}
        response = client.post(f"/espace/entreprises/{company.pk}/offres/nouvelle/", refused)
        assert response.status_code == 200 and response.context["form"].errors
        pages.html("the offer form refused", response.content.decode())

    # The administrator sends the contact's first offer back with a comment and validates the others.
    signed_in(client, api_client, admin)
    sent_back, *to_validate = (offer for offer in offers if offer.author_id == contact.pk)
    if channel == "api":
        pages.json(api_client.post(f"/api/v1/offers/{sent_back.pk}/request-changes", {"comment": ALL}, format="json"))
        for offer in to_validate:
            pages.json(api_client.post(f"/api/v1/offers/{offer.pk}/approve", format="json"))
    else:
        response = client.post(f"/espace/offres/{sent_back.pk}/action/request-changes/", {"comment": ALL})
        assert response.status_code == 302
        for offer in to_validate:
            assert client.post(f"/espace/offres/{offer.pk}/action/approve/").status_code == 302
    workspace = f"/espace/entreprises/{company.pk}/offres/?page_size=25"
    pages.get(client, workspace + "&tab=to_validate")
    pages.json(api_client.get(f"/api/v1/companies/{company.pk}/offers?tab=to_validate&page_size=100"))
    signed_in(client, api_client, contact)
    pages.get(client, "/comptes/notifications/")
    # The offer sent back, with the comment and its moderation history, on its review page and in the API.
    pages.get(client, f"/espace/offres/{sent_back.pk}/")
    pages.json(api_client.get(f"/api/v1/offers/{sent_back.pk}"))
    pages.mails()

    # The hub sees them awaiting its decision; then they are online.
    signed_in(client, api_client, world["moderator"])
    pages.every_page(client, "/espace/moderation/", pages=2)
    pages.json(api_client.get("/api/v1/moderation/offers?page_size=100"))
    for offer in offers:
        if offer.pk != sent_back.pk:
            OfferPage.objects.filter(pk=offer.pk).update(status=OfferStatus.PUBLISHED)
            offer.get_latest_revision().publish()
    signed_in(client, api_client, None)
    for offer in OfferPage.objects.live().filter(pk__in=[offer.pk for offer in offers]):
        pages.get(client, offer.url)
    pages.get(client, "/offres/")
    pages.get(client, company.url)
    pages.json(api_client.get("/api/v1/offers?page_size=100"))
    pages.json(api_client.get("/api/v2/pages/?type=cms_pages.OfferPage&fields=mission,profile_sought,city"))
    signed_in(client, api_client, admin)
    pages.get(client, workspace)
    pages.json(api_client.get(f"/api/v1/companies/{company.pk}/offers?page_size=100"))
    # A search echoes what it was asked in its form.
    for words in writes(channel, q=255):
        pages.get(client, "/offres/?" + urlencode({"q": words["q"], "city": words["q"]}))

    pages.assert_nothing_runs()


# People's names: contacts added by the administrator, students' sign-up, everyone's own details.


@pytest.mark.parametrize("channel", CHANNELS)
def test_names_of_contacts_run_on_no_page(client, api_client, world, channel):
    company = world["company"]
    signed_in(client, api_client, world["admin"])
    pages = Pages()
    for index, names in enumerate(writes(channel, first_name=150, last_name=150)):
        contact = {**names, "email": f"contact{index}@talos.test"}
        if channel == "api":
            pages.json(api_client.post(f"/api/v1/companies/{company.pk}/contacts", contact, format="json"))
        else:
            response = client.post(f"/comptes/entreprises/{company.pk}/contacts/", contact)
            assert response.status_code == 302, response.context["form"].errors
    pages.get(client, f"/comptes/entreprises/{company.pk}/contacts/")
    pages.json(api_client.get(f"/api/v1/companies/{company.pk}/contacts"))
    pages.mails()

    pages.assert_nothing_runs()


def sign_up(client, api_client, world, names: dict, email: str, *, channel: str) -> User:
    data = {
        **names,
        "email": email,
        "password": PASSWORD,
        "school": world["school"].pk,
        "programme": world["programme"].pk,
        "study_level": "master",
    }
    if channel == "api":
        response = api_client.post("/api/v1/registrations/students", {**data, "accept_terms": True}, format="json")
        assert response.status_code == 201, response.json()
    else:
        response = client.post("/comptes/etudiants/inscription/", {**data, "accept_terms": "on", "language": "fr"})
        assert response.status_code == 302, response.context["form"].errors
    user = User.objects.get(email=email)
    account_services.confirm_student_email(user)
    return user


def apply(client, api_client, offer, files: list[str], *, channel: str) -> Application:
    cv_name, letter_name, *others = [*files, "cv.pdf", "lettre.pdf"][: max(len(files), 2)]
    data = {
        "message": ALL,
        "cv": cv(cv_name),
        "motivation_letter": letter(letter_name),
        "documents": [upload(name, pdf_bytes("Attestation"), "application/pdf") for name in others],
    }
    if channel == "api":
        response = api_client.post("/api/v1/applications", {**data, "offer": offer.pk}, format="multipart")
        assert response.status_code == 201, response.json()
        return Application.objects.get(pk=response.json()["id"])
    response = client.post(f"/candidatures/postuler/{offer.pk}/", data)
    assert response.status_code == 302, response.context["form"].errors
    return Application.objects.latest("pk")


@pytest.mark.parametrize("channel", CHANNELS)
def test_what_students_and_the_company_write_about_applications_runs_on_no_page(client, api_client, world, channel):
    """Students' names, their messages and file names; the company's status comments and messages to them."""
    company, offer, admin, tutor = world["company"], world["offer"], world["admin"], world["tutor"]
    pages = Pages()
    applications = []
    file_names = iter(batched(FILE_NAMES, 5))
    for index, names in enumerate(writes(channel, first_name=150, last_name=150)):
        signed_in(client, api_client, None)
        applicant = sign_up(client, api_client, world, names, f"student{index}@school.test", channel=channel)
        signed_in(client, api_client, applicant)
        applications.append(apply(client, api_client, offer, next(file_names, []), channel=channel))
        pages.get(client, "/candidatures/")
    assert next(file_names, None) is None, "every file name was sent"
    first = applications[0]

    # The company answers the first one: a status with a comment, then a message; the student withdraws.
    signed_in(client, api_client, admin)
    if channel == "api":
        pages.json(api_client.post(f"/api/v1/applications/{first.pk}/status", {"status": "interview", "comment": ALL}))
        pages.json(api_client.post(f"/api/v1/applications/{first.pk}/messages", {"body": ALL}))
    else:
        response = client.post(f"/candidatures/{first.pk}/statut/", {"status": "interview", "comment": ALL})
        assert response.status_code == 302
        assert client.post(f"/candidatures/{first.pk}/message/", {"body": ALL}).status_code == 302
    for application in applications:
        pages.get(client, f"/candidatures/{application.pk}/")
        pages.json(api_client.get(f"/api/v1/applications/{application.pk}"))
    pages.get(client, f"/candidatures/entreprises/{company.pk}/?tab=offers")
    pages.get(client, "/comptes/notifications/")
    pages.json(api_client.get("/api/v1/applications?page_size=100"))
    pages.json(api_client.get(f"/api/v1/offers/{offer.pk}/applications?page_size=100"))

    signed_in(client, api_client, first.student)
    if channel == "api":
        pages.json(api_client.post(f"/api/v1/applications/{first.pk}/status", {"status": "cancelled", "comment": ALL}))
    else:
        assert client.post(f"/candidatures/{first.pk}/retrait/", {"comment": ALL}).status_code == 302
    pages.get(client, f"/candidatures/{first.pk}/")
    pages.get(client, "/comptes/notifications/")
    pages.json(api_client.get(f"/api/v1/applications/{first.pk}"))

    signed_in(client, api_client, tutor)
    pages.get(client, "/candidatures/suivi/")
    pages.get(client, f"/candidatures/{first.pk}/")
    pages.mails()

    pages.assert_nothing_runs()


def test_names_people_give_themselves_run_on_no_page(client, api_client, world):
    """« Informations personnelles » (a web page only): the administrator's own name, shown beside their acts."""
    admin, company = world["admin"], world["company"]
    application = recruitment_services.apply(
        student(world["programme"]), offer=world["offer"], message="Bonjour", cv=cv(), motivation_letter=letter()
    )
    recruitment_services.send_message(application, "Bienvenue", by=admin)
    signed_in(client, api_client, admin)
    pages = Pages()
    for values in writes("api", first_name=150, last_name=150, phone=40) + writes(
        "web", first_name=150, last_name=150, phone=40
    ):
        response = client.post("/comptes/mon-compte/informations/", {**values, "civility": "", "language": "fr"})
        assert response.status_code == 302, response.context["form"].errors
        pages.get(client, "/comptes/mon-compte/informations/")
        pages.get(client, f"/comptes/entreprises/{company.pk}/contacts/")
        pages.get(client, f"/candidatures/{application.pk}/")
        pages.json(api_client.get("/api/v1/me"))

    pages.assert_nothing_runs()


def test_the_checker_finds_each_payload_that_would_run_unescaped():
    """The corpus and the checker mean something together: left raw in a page, the payloads are found."""
    page = "<!DOCTYPE html><html><head><title>x</title></head><body><p>{}</p><p>suite</p></body></html>"
    missed = {payload for payload in PAYLOADS if not executable_markup(page.format(payload))}
    assert missed == {
        "<scr<script>ipt>window.__xss=1</scr</script>ipt>",  # aimed at sanitisers that strip a tag once
        "<![CDATA[<script>window.__xss=1</script>]]>",  # a bogus comment in HTML
        "<p>texte <b>non fermé <i>encore",
        '{{ "evaluated"|slice:"::-1" }}',  # found only once evaluated
        '{% filter cut:"-" %}gab-arit-tag{% endfilter %}',
        "{{constructor.constructor('window.__xss=1')()}}",  # no client-side template engine on the portal
    }
    assert executable_markup(page.format("DetaulavE")), "an evaluated template is found"
    assert len(PAYLOADS) >= 40
