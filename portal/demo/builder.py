"""Generation of the demo data of `manage.py seed_demo`.

Everything is derived from one `random.Random(seed)` and from the fixed `REFERENCE_DATE`, so two runs
with the same seed and size produce the same content. The builder first draws a complete plan (plain
data), then writes it: the few hubs, schools and guides one by one through Wagtail (tree, revisions, publication), the
companies, offers, people and applications in bulk (`bulk.py`), as Wagtail and the services would leave them.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Count, F
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Page, Site

from cms_pages.models import (
    ContactPage,
    ContactTeam,
    GuideIndexPage,
    GuidePage,
    HomePage,
    OfferIndexPage,
    OfferPage,
    OrganisationIndexPage,
    OrganisationPage,
    Programme,
)
from portal import access
from portal.accounts.models import HubModerator, Membership, SchoolStaff, Student, TermsAcceptance, User
from portal.cvbook.models import Profile
from portal.demo import bulk, followup
from portal.demo.documents import pdf_bytes
from portal.demo.guides import GUIDES
from portal.demo.profiles import VISIBLE_SHARE, create_profiles, demo_profile_students
from portal.followup.models import Internship
from portal.notifications.services import without_notifications
from portal.recruitment import services as recruitment
from portal.recruitment.documents import PDF
from portal.recruitment.models import Application, ApplicationDocument, ApplicationEvent
from portal.reference.choices import ApplicationStatus as AS
from portal.reference.choices import DocumentKind, OfferStatus, OrganisationKind
from portal.reference.models import Country
from workflows.models import Campaign

DEFAULT_PASSWORD = "portal-demo"
DEFAULT_SEED = 2026
REFERENCE_DATE = date(2026, 9, 1)
REFERENCE_DATETIME = datetime.combine(REFERENCE_DATE, time(9, 0), tzinfo=UTC)

EDITOR_EMAIL = "editor@demo.example"
MODERATOR_EMAIL = "moderator@demo.example"
COMPANY_ADMIN_EMAIL = "admin@company1.demo.example"
COMPANY_CONTACT_EMAIL = "contact@company1.demo.example"
STUDENT_EMAIL = "student1@demo.example"
TUTOR_EMAIL = "tutor@school1.demo.example"


def demo_accounts(password: str = DEFAULT_PASSWORD) -> list[tuple[str, str]]:
    """The demo accounts (e-mail, role), all of which log in with `password` once seeded."""
    return [
        (EDITOR_EMAIL, "Wagtail editor and superuser"),
        (MODERATOR_EMAIL, "Moderator of the first hub"),
        (COMPANY_ADMIN_EMAIL, "Administrator of the first company"),
        (COMPANY_CONTACT_EMAIL, "Secondary contact of the first company (may create offers)"),
        (STUDENT_EMAIL, "Student of the first school"),
        (TUTOR_EMAIL, "Academic tutor and programme head of the first school"),
    ]


def format_accounts(password: str = DEFAULT_PASSWORD) -> str:
    """The demo accounts as a text table (e-mail, role, password)."""
    rows = [("E-mail", "Role", "Password")] + [(email, role, password) for email, role in demo_accounts(password)]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def demo_data_present() -> bool:
    """The marker of a seeded database: the demo editor or the first demo hub exists."""
    return (
        User.objects.filter(email=EDITOR_EMAIL).exists()
        or OrganisationPage.objects.filter(kind=OrganisationKind.HUB, slug=HUBS[0]["slug"]).exists()
    )


def current_counts() -> list[tuple[str, int]]:
    """What the database holds now, for the summary of the command."""
    kinds = dict(OrganisationPage.objects.order_by().values_list("kind").annotate(n=Count("pk")))
    statuses = dict(OfferPage.objects.order_by().values_list("status").annotate(n=Count("pk")))
    rows = [
        ("hubs", kinds.get(OrganisationKind.HUB, 0)),
        ("schools", kinds.get(OrganisationKind.SCHOOL, 0)),
        ("programmes", Programme.objects.count()),
        ("companies", kinds.get(OrganisationKind.COMPANY, 0)),
        ("company contacts", Membership.objects.count()),
        ("offers", OfferPage.objects.count()),
        ("live offers", OfferPage.objects.live().count()),
    ]
    rows += [(f"  offers {status}", statuses.get(status, 0)) for status in OfferStatus.values]
    rows += [
        ("students", Student.objects.count()),
        ("school staff roles", SchoolStaff.objects.count()),
        ("hub moderators", HubModerator.objects.count()),
        ("users", User.objects.count()),
        ("guides", GuidePage.objects.count()),
        ("applications", Application.objects.count()),
        ("internships", Internship.objects.count()),
        ("visible CV-book profiles", Profile.objects.filter(visible=True).count()),
    ]
    return rows


# ---------------------------------------------------------------------------------------------------------------------
# Vocabularies of the generator
# ---------------------------------------------------------------------------------------------------------------------

DATA_DIR = Path(__file__).resolve().parent / "data"


def _load(name: str) -> dict:
    with (DATA_DIR / f"{name}.json").open(encoding="utf-8") as file:
        return json.load(file)


# The words the generator draws from live in data/*.json; the order of every list matters (it is what the seed
# draws from), so edits there change the demo content of a given seed.
_places, _companies, _organisations = _load("places"), _load("companies"), _load("organisations")
_people, _offers, _applications = _load("people"), _load("offers"), _load("applications")

COUNTRY_WEIGHTS: dict[str, int] = _places["country_weights"]
CITIES: dict[str, list[list[str]]] = _places["cities"]  # country → [city, postcode]
STREETS: dict[str, list[str]] = _places["streets"]
PHONE_PREFIX: dict[str, str] = _places["phone_prefix"]
LEGAL_FORMS: dict[str, list[str]] = _places["legal_forms"]
COMPANY_ROOTS: list[str] = _companies["company_roots"]
# NACE division → words of company names, activities, keywords, team and missions of its offers.
SECTORS: dict[str, dict] = _companies["sectors"]
HUBS: list[dict] = _organisations["hubs"]
# Companies of these countries answer to this hub (by index in HUBS).
HUB_OF_COUNTRY: dict[str, int] = _organisations["hub_of_country"]
SCHOOLS: list[dict] = _organisations["schools"]
FIRST_NAMES = [
    pair for woman, man in zip(_people["women"], _people["men"], strict=True) for pair in ((woman, "ms"), (man, "mr"))
]
LAST_NAMES: list[str] = _people["last_names"]
LEVEL_WEIGHTS: dict[str, int] = _offers["level_weights"]
LEVEL_PROFILE: dict[str, str] = _offers["level_profile"]
TYPE_WEIGHTS: dict[str, int] = _offers["type_weights"]
SOFT_SKILLS: list[str] = _offers["soft_skills"]
# Share of each status that is not "published"; the rest of the offers are published.
STATUS_SHARES: dict[str, float] = _offers["status_shares"]
# Where the applications of the demo stand once the company side acted (none accepted: no offer gets filled).
APPLICATION_STATUS_SHARES: dict[str, float] = _applications["application_status_shares"]
APPLICATION_MESSAGES: list[str] = _applications["application_messages"]

# Statuses of offers that have been live once: they keep a first publication date.
DEMO_CAMPAIGN = "2026-2027"
AWAITING_VALIDATION = {OfferStatus.AWAITING_COMPANY_VALIDATION, OfferStatus.AWAITING_HUB_VALIDATION}
ONCE_PUBLISHED = {OfferStatus.PUBLISHED, OfferStatus.UNPUBLISHED, OfferStatus.FILLED, OfferStatus.ARCHIVED}
TARGETED_SHARE = 0.10
APPLICATIONS_PER_SIZE = 60
# The demo student's own applications: to the first company's published offer, then spontaneously to it.
DEMO_STUDENT_APPLICATIONS = ("interview", "pending")
# Where an application drawn with each answer stands: a withdrawal follows the company's reading.
APPLICATION_STATUS_AFTER = {
    "pending": AS.PENDING,
    "read": AS.READ,
    "interview": AS.INTERVIEW,
    "cancelled": AS.CANCELLED,
}


def _ascii(text: str) -> str:
    return slugify(text).replace("-", "")


@dataclass
class Person:
    email: str
    first_name: str
    last_name: str
    civility: str
    is_staff: bool = False
    is_superuser: bool = False
    user: User | None = None


@dataclass
class CompanyPlan:
    title: str
    slug: str
    country: str
    city: str
    postcode: str
    sector: str
    keywords: list[str]
    activity: str
    admin: Person
    contacts: list[tuple[Person, bool]] = field(default_factory=list)
    page: OrganisationPage | None = None

    def authors(self) -> list[Person]:
        return [self.admin] + [person for person, can_create in self.contacts if can_create]

    def secondary_authors(self) -> list[Person]:
        return [person for person, can_create in self.contacts if can_create]


@dataclass
class OfferPlan:
    company: CompanyPlan
    author: Person
    status: str
    title: str
    internship_type: str
    study_level: str
    duration_weeks: int
    start_date: date
    keywords: list[str]
    remuneration: Decimal | None
    places: int
    mission: str
    profile_sought: str
    published_days_ago: int
    targeting: tuple[str, list[int]] | None = None  # (kind, indexes), resolved once schools exist


class DemoBuilder:
    """Draws the plan of the demo content with `rng`, then writes it, reporting progress to `tick`."""

    def __init__(self, *, size: int = 1, password: str = DEFAULT_PASSWORD, seed: int = DEFAULT_SEED, tick=None):
        self.size = size
        self.password = password
        self.seed = seed
        self.rng = random.Random(seed)
        # The pages' translation keys, drawn apart so that they leave the content's draws as they were.
        self.keys = random.Random(f"{seed}:translation-keys")
        self.tick: Callable[[int], None] = tick or (lambda n=1: None)
        self.emails: set[str] = set()
        self.people: list[Person] = []
        self.page_ids: list[int] = []

    # -- plan ----------------------------------------------------------------------------------------------------------

    def _person(self, domain: str, *, email: str | None = None, name: tuple[str, str, str] | None = None) -> Person:
        if name is None:
            first, civility = self.rng.choice(FIRST_NAMES)
            last = self.rng.choice(LAST_NAMES)
        else:
            first, last, civility = name
        if email is None:
            base = f"{_ascii(first)}.{_ascii(last)}"
            email, n = f"{base}@{domain}", 1
            while email in self.emails:
                n += 1
                email = f"{base}{n}@{domain}"
        self.emails.add(email)
        person = Person(email=email, first_name=first, last_name=last, civility=civility)
        self.people.append(person)
        return person

    def _company_plans(self) -> list[CompanyPlan]:
        rng = self.rng
        companies: list[CompanyPlan] = []
        names: set[str] = set()
        countries, weights = list(COUNTRY_WEIGHTS), list(COUNTRY_WEIGHTS.values())
        for number in range(1, 30 * self.size + 1):
            if number == 1:  # the demo company: Belgian, IT, attached to the first hub
                root, country, sector, (city, postcode) = "Corvane", "BE", "62", ("Liège", "4000")
                word, legal = "Informatique", "SRL"
            else:
                country = rng.choices(countries, weights)[0]
                sector = rng.choice(list(SECTORS))
                city, postcode = rng.choice(CITIES[country])
                legal = rng.choice(LEGAL_FORMS[country])
                for _attempt in range(50):
                    root, word = rng.choice(COMPANY_ROOTS), rng.choice(SECTORS[sector]["words"])
                    if f"{root} {word}" not in names:
                        break
                else:
                    word = f"{word} {city}"
            short = f"{root} {word}"
            if short in names:
                short = f"{short} {number}"
            names.add(short)
            profile = SECTORS[sector]
            slug = slugify(short)
            domain = f"{slug}.example"
            if number == 1:
                admin = self._person(domain, email=COMPANY_ADMIN_EMAIL, name=("Hélène", "Collignon", "ms"))
            else:
                admin = self._person(domain)
            plan = CompanyPlan(
                title=f"{short} {legal}",
                slug=slug,
                country=country,
                city=city,
                postcode=postcode,
                sector=sector,
                keywords=rng.sample(profile["keywords"], rng.randint(3, 5)),
                activity=rng.choice(profile["activities"]),
                admin=admin,
            )
            for index in range(rng.randint(1, 3)):
                if number == 1 and index == 0:
                    person = self._person(domain, email=COMPANY_CONTACT_EMAIL, name=("Thomas", "Wauters", "mr"))
                    plan.contacts.append((person, True))
                else:
                    plan.contacts.append((self._person(domain), rng.random() < (0.6 if index == 0 else 0.3)))
            companies.append(plan)
        return companies

    def _offer_plans(self, companies: list[CompanyPlan]) -> list[OfferPlan]:
        rng = self.rng
        total = 200 * self.size
        statuses: list[str] = []
        for status, share in STATUS_SHARES.items():
            statuses += [status] * max(1, round(total * share))
        statuses += [OfferStatus.PUBLISHED] * (total - len(statuses))
        rng.shuffle(statuses)
        # The first company shows one offer of each status to the demo accounts.
        for status in OfferStatus.values:
            statuses.remove(status)
        statuses = list(OfferStatus.values) + statuses
        with_secondary_authors = [company for company in companies if company.secondary_authors()]
        offers = []
        for index, status in enumerate(statuses):
            if index < len(OfferStatus.values):
                company = companies[0]
            elif status == OfferStatus.AWAITING_COMPANY_VALIDATION:
                company = rng.choice(with_secondary_authors)
            else:
                company = rng.choice(companies)
            if status == OfferStatus.AWAITING_COMPANY_VALIDATION:  # a secondary contact's offer awaits the admin
                author = rng.choice(company.secondary_authors())
            elif status == OfferStatus.DRAFT and company is companies[0]:
                author = company.contacts[0][0]
            else:
                author = rng.choice(company.authors())
            offers.append(self._offer_plan(company, author, status))
        published = [offer for offer in offers if offer.status == OfferStatus.PUBLISHED]
        for offer in rng.sample(published, max(1, round(len(published) * TARGETED_SHARE))):
            kind = rng.choice(["countries", "organisations", "programmes"])
            if kind == "countries":
                offer.targeting = (kind, sorted(rng.sample(range(len(COUNTRY_WEIGHTS)), rng.randint(1, 2))))
            elif kind == "organisations":
                offer.targeting = (kind, sorted(rng.sample(range(len(SCHOOLS)), rng.randint(1, 2))))
            else:
                offer.targeting = (kind, [rng.randrange(1000) for _ in range(rng.randint(1, 2))])
        return offers

    def _offer_plan(self, company: CompanyPlan, author: Person, status: str) -> OfferPlan:
        rng = self.rng
        profile = SECTORS[company.sector]
        title = rng.choice(profile["titles"])
        level = rng.choices(list(LEVEL_WEIGHTS), list(LEVEL_WEIGHTS.values()))[0]
        keywords = rng.sample(profile["keywords"], rng.randint(2, 4))
        tasks = rng.sample(profile["tasks"], 3)
        mission = (
            f"Au sein de {company.title}, qui {company.activity}, vous rejoindrez l'équipe {profile['team']} "
            f"à {company.city}. Vos missions :\n"
            + "".join(f"- {task} ;\n" for task in tasks[:-1])
            + f"- {tasks[-1]}.\n"
            + "Vous serez accompagné·e par un tuteur ou une tutrice tout au long du stage."
        )
        profile_sought = (
            f"{LEVEL_PROFILE[level]}. Connaissances appréciées : {', '.join(keywords)}. {rng.choice(SOFT_SKILLS)}"
        )
        remuneration = None
        if rng.random() >= 0.2:
            remuneration = Decimal(rng.randrange(300 if company.country == "TN" else 500, 1500, 50)).quantize(
                Decimal("0.01")
            )
        return OfferPlan(
            company=company,
            author=author,
            status=status,
            title=title,
            internship_type=rng.choices(list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values()))[0],
            study_level=level,
            duration_weeks=rng.randint(4, 26),
            start_date=date(2027, 1, 4) + timedelta(days=rng.randint(0, 300)),
            keywords=keywords,
            remuneration=remuneration,
            places=rng.randint(1, 3),
            mission=mission,
            profile_sought=profile_sought,
            published_days_ago=rng.randint(1, 120),
        )

    def plan(self) -> None:
        self.editor = self._person("demo.example", email=EDITOR_EMAIL, name=("Éloïse", "Martin", "ms"))
        self.editor.is_staff = self.editor.is_superuser = True
        self.moderators = [self._person("demo.example", email=MODERATOR_EMAIL, name=("Karim", "Mansouri", "mr"))]
        self.moderators += [self._person(f"{hub['slug']}.example") for hub in HUBS[1:]]
        self.tutor = self._person("demo.example", email=TUTOR_EMAIL, name=("Anne", "Lemaire", "ms"))
        self.programme_counts = [self.rng.randint(3, 5) for _school in SCHOOLS]
        self.companies = self._company_plans()
        self.offers = self._offer_plans(self.companies)
        self.application_count = APPLICATIONS_PER_SIZE * self.size + len(DEMO_STUDENT_APPLICATIONS)
        self.student_plans: list[tuple[Person, int, int]] = []  # (person, school index, programme index)
        first = self._person("demo.example", email=STUDENT_EMAIL, name=("Inès", "Ben Amor", "ms"))
        self.student_plans.append((first, 0, 0))
        for _n in range(100 * self.size):
            school = self.rng.randrange(len(SCHOOLS))
            person = self._person(f"etu.{SCHOOLS[school]['domain']}")
            self.student_plans.append((person, school, self.rng.randrange(self.programme_counts[school])))

    @property
    def total_steps(self) -> int:
        """The units of progress: each page, user, membership and student written."""
        pages = len(HUBS) + len(SCHOOLS) + len(self.companies) + len(self.offers) + len(GUIDES)
        memberships = sum(1 + len(company.contacts) for company in self.companies)
        internships = 1 + len(followup.STAGES)
        profiles = round(len(self.student_plans) * VISIBLE_SHARE)
        people = len(self.people) + memberships + len(self.student_plans)
        return pages + people + self.application_count + internships + profiles

    # -- writing -------------------------------------------------------------------------------------------------------

    def build(self) -> None:
        """Plan and write everything."""
        self.plan()
        self.write()

    def write(self) -> None:
        """Write the plan drawn by `plan`."""
        self.ensure_tree()
        self.create_hubs()
        self.create_contact_teams()
        self.create_schools()
        self.create_companies()
        self.create_users()
        self.create_roles()
        self.create_offers()
        self.create_students()
        self.create_guides()
        self.pin_publication_dates()
        self.create_applications()
        self.create_internships()
        self.create_profiles()

    def ensure_tree(self) -> None:
        """The home page and its three indexes; a migrated database already has them."""
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node()
            home = HomePage(
                title="Portail des stages",
                slug="accueil",
                intro="<p>Offres de stage modérées, candidatures suivies, stages labellisés.</p>",
            )
            root.add_child(instance=home)
            home.save_revision(clean=False).publish()
            site = Site.objects.filter(is_default_site=True).first()
            if site is None:
                Site.objects.create(
                    hostname="localhost",
                    port=80,
                    root_page=home,
                    is_default_site=True,
                    site_name=settings.WAGTAIL_SITE_NAME,
                )
            else:
                site.root_page = home
                site.save(update_fields=["root_page"])
        indexes = {}
        for model, title, slug in [
            (OrganisationIndexPage, "Organisations", "organisations"),
            (OfferIndexPage, "Offres de stage", "offres"),
            (GuideIndexPage, "Guides", "guides"),
        ]:
            index = model.objects.first()
            if index is None:
                index = model(title=title, slug=slug)
                home.add_child(instance=index)
                index.save_revision(clean=False).publish()
            indexes[model] = index
        self.organisation_index = indexes[OrganisationIndexPage]
        self.guide_index = indexes[GuideIndexPage]
        self.locale = self.organisation_index.locale
        self.contact_page = ContactPage.objects.first()
        if self.contact_page is None:
            # The team of the companies' guide (000 §6), as the migration writes it.
            self.contact_page = ContactPage(
                title="Contact",
                slug="contact",
                team_name="cellule Stages des Pôles",
                contact_role="Responsable",
                email="stages@uwe.be",
            )
            home.add_child(instance=self.contact_page)
            self.contact_page.save_revision(clean=False).publish()

    def _translation_key(self) -> uuid.UUID:
        return uuid.UUID(int=self.keys.getrandbits(128), version=4)

    def _published_at(self, days_ago: int) -> datetime:
        return REFERENCE_DATETIME - timedelta(days=days_ago)

    def _add_organisation(self, page: OrganisationPage, keywords: list[str]) -> OrganisationPage:
        page.locale = self.locale
        page.first_published_at = self._published_at(self.rng.randint(150, 400))
        page.keywords.set(keywords)
        self.organisation_index.add_child(instance=page)
        page.save_revision(clean=False).publish()
        self.page_ids.append(page.pk)
        self.tick(1)
        return page

    def create_hubs(self) -> None:
        self.hubs = []
        for hub in HUBS:
            page = OrganisationPage(
                title=hub["title"],
                slug=hub["slug"],
                kind=OrganisationKind.HUB,
                description=hub["description"],
                website=f"https://{hub['slug']}.example",
                email=f"contact@{hub['slug']}.example",
                city=hub["city"],
                postcode=hub["postcode"],
                country_id=hub["country"],
            )
            self.hubs.append(self._add_organisation(page, hub["keywords"]))

    def create_contact_teams(self) -> None:
        """Each demo hub's team on the contact page: the hub's companies write to it."""
        ContactTeam.objects.bulk_create(
            ContactTeam(
                page=self.contact_page,
                hub=hub,
                sort_order=position,
                name="Cellule stages",
                contact_role="Chargé·e des relations entreprises",
                email=f"stages@{hub.slug}.example",
            )
            for position, hub in enumerate(self.hubs)
            if not self.contact_page.teams.filter(hub=hub).exists()
        )

    def create_schools(self) -> None:
        self.schools = []
        self.programmes: list[list[Programme]] = []
        for school, count in zip(SCHOOLS, self.programme_counts, strict=True):
            page = OrganisationPage(
                title=school["title"],
                slug=school["slug"],
                kind=OrganisationKind.SCHOOL,
                description=school["description"],
                website=f"https://www.{school['domain']}",
                email=f"stages@{school['domain']}",
                city=school["city"],
                postcode=school["postcode"],
                country_id=school["country"],
                programmes=[
                    Programme(**programme, sort_order=position)
                    for position, programme in enumerate(school["programmes"][:count])
                ],
            )
            self._add_organisation(page, [])
            self.schools.append(page)
            self.programmes.append(list(page.programmes.order_by("sort_order")))

    def _registration_number(self, country: str) -> str:
        rng = self.rng
        if country == "BE":
            return f"0{rng.randint(200, 999)}.{rng.randint(0, 999):03d}.{rng.randint(0, 999):03d}"
        if country == "FR":
            return str(rng.randint(300_000_000, 999_999_999))
        if country == "TN":
            return f"{rng.randint(1_000_000, 1_999_999)}{rng.choice('ABCDEFGHJKLMNPQRSTVWXYZ')}"
        return f"B{rng.randint(100_000, 299_999)}"

    def create_companies(self) -> None:
        rng = self.rng
        keywords = bulk.tags(keyword for plan in self.companies for keyword in plan.keywords)
        children = []
        for plan in self.companies:
            profile = SECTORS[plan.sector]
            description = (
                f"<p>{plan.title} {plan.activity}. Implantée à {plan.city}, l'entreprise réunit "
                f"{rng.randint(8, 250)} collaborateurs.</p>"
                f"<p>Nous accueillons chaque année des stagiaires dans l'équipe {profile['team']} : "
                f"{', '.join(plan.keywords[:3])}.</p>"
            )
            plan.page = OrganisationPage(
                title=plan.title,
                slug=plan.slug,
                kind=OrganisationKind.COMPANY,
                registration_number=self._registration_number(plan.country),
                description=description,
                website=f"https://www.{plan.slug}.example",
                email=f"contact@{plan.slug}.example",
                phone=f"{PHONE_PREFIX[plan.country]}{rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
                address=f"{rng.randint(1, 180)} {rng.choice(STREETS[plan.country])}",
                postcode=plan.postcode,
                city=plan.city,
                country_id=plan.country,
                sector_id=plan.sector,
                expertise_domains=profile["domains"],
                reference_hub=self.hubs[HUB_OF_COUNTRY[plan.country]],
                locale=self.locale,
                live=True,
                first_published_at=self._published_at(rng.randint(150, 400)),
            )
            plan.page.keywords.set([keywords[keyword] for keyword in plan.keywords])
            children.append((self.organisation_index, plan.page))
        writer = bulk.PageWriter(OrganisationPage, keys=self._translation_key)
        pages = writer.write(children, user_of=lambda page: None, tick=self.tick)
        writer.index(pages, related=["country", "sector"], prefetch=["keywords"])

    def create_users(self) -> None:
        """Every person of the plan in one insert, sharing one password hash."""
        hashed = make_password(self.password)
        users = []
        for number, person in enumerate(self.people):
            joined = REFERENCE_DATETIME - timedelta(days=200, minutes=number)
            person.user = User(
                email=person.email.lower(),
                first_name=person.first_name,
                last_name=person.last_name,
                civility=person.civility,
                language="fr",
                password=hashed,
                is_staff=person.is_staff,
                is_superuser=person.is_superuser,
                is_active=True,
                date_joined=joined,
            )
            users.append(person.user)
        User.objects.bulk_create(users, batch_size=500)
        self.tick(len(users))

    def create_roles(self) -> None:
        memberships = []
        for plan in self.companies:
            memberships.append(Membership(user=plan.admin.user, organisation=plan.page, role=Membership.Role.ADMIN))
            memberships += [
                Membership(
                    user=person.user,
                    organisation=plan.page,
                    role=Membership.Role.SECONDARY,
                    can_create_offers=can_create,
                )
                for person, can_create in plan.contacts
            ]
        Membership.objects.bulk_create(memberships, batch_size=500)
        access.organisations.grant_memberships(memberships)
        self.tick(len(memberships))
        TermsAcceptance.objects.bulk_create(
            TermsAcceptance(accepted_by=plan.admin.user, organisation=plan.page, version=settings.TERMS_VERSION)
            for plan in self.companies
        )
        for person, hub in zip(self.moderators, self.hubs, strict=True):
            access.organisations.grant_hub_moderation(HubModerator.objects.create(user=person.user, hub=hub))
        for role in (SchoolStaff.Role.ACADEMIC_TUTOR, SchoolStaff.Role.PROGRAMME_HEAD):
            staff = SchoolStaff.objects.create(user=self.tutor.user, school=self.schools[0], programme=None, role=role)
            access.organisations.grant_school_staff(staff)

    def create_offers(self) -> None:
        countries = [Country.objects.get(pk=code) for code in COUNTRY_WEIGHTS]
        all_programmes = [programme for programmes in self.programmes for programme in programmes]
        campaign, _created = Campaign.objects.get_or_create(
            name=DEMO_CAMPAIGN, defaults={"starts_on": date(2026, 9, 1), "ends_on": date(2027, 6, 30)}
        )
        keywords = bulk.tags(keyword for plan in self.offers for keyword in plan.keywords)
        slugs: dict[int, set[str]] = {}
        children, awaiting = [], []
        for plan in self.offers:
            company = plan.company.page
            taken = slugs.setdefault(company.pk, set())
            slug, n = slugify(plan.title), 1
            while slug in taken:
                n += 1
                slug = f"{slugify(plan.title)}-{n}"
            taken.add(slug)
            offer = OfferPage(
                title=plan.title,
                slug=slug,
                locale=self.locale,
                owner=plan.author.user,
                live=plan.status == OfferStatus.PUBLISHED,
                company=company,
                author=plan.author.user,
                internship_type=plan.internship_type,
                mission=plan.mission,
                profile_sought=plan.profile_sought,
                study_level=plan.study_level,
                duration_weeks=plan.duration_weeks,
                start_date=plan.start_date,
                end_date=plan.start_date + timedelta(weeks=plan.duration_weeks) - timedelta(days=1),
                city=plan.company.city,
                country_id=plan.company.country,
                sector_id=plan.company.sector,
                remuneration=plan.remuneration,
                places=plan.places,
                status=plan.status,
                campaign=campaign,
            )
            if plan.status in ONCE_PUBLISHED:
                offer.first_published_at = self._published_at(plan.published_days_ago)
            offer.keywords.set([keywords[keyword] for keyword in plan.keywords])
            if plan.targeting:
                kind, picks = plan.targeting
                if kind == "countries":
                    offer.target_countries.set([countries[i] for i in picks])
                elif kind == "organisations":
                    offer.target_organisations.set([self.schools[i] for i in picks])
                else:
                    chosen = {all_programmes[i % len(all_programmes)].pk for i in picks}
                    offer.target_programmes.set([p for p in all_programmes if p.pk in chosen])
            if plan.status in AWAITING_VALIDATION:
                # A draft sent to moderation. What the workflow makes of it: an offer written by the company's
                # administrator skips the company's step and awaits the hub's; a secondary contact's awaits the
                # administrator.
                offer.status = OfferStatus.DRAFT
                awaited = (
                    OfferStatus.AWAITING_HUB_VALIDATION
                    if plan.author is plan.company.admin
                    else OfferStatus.AWAITING_COMPANY_VALIDATION
                )
                awaiting.append((offer, awaited))
            children.append((company, offer))
        writer = bulk.PageWriter(OfferPage, keys=self._translation_key)
        offers = writer.write(children, user_of=lambda offer: offer.owner, tick=self.tick)
        access.offers.grant_authors((offer.owner, offer) for offer in offers)
        if awaiting:
            at_hub = {offer.pk for offer, awaited in awaiting if awaited == OfferStatus.AWAITING_HUB_VALIDATION}
            bulk.start_moderation(
                [offer for offer, _awaited in awaiting],
                workflow=offers[0].get_workflow(),
                by_company_admin=lambda offer: offer.pk in at_hub,
            )
            for offer, awaited in awaiting:
                offer.status = awaited
            for status in {awaited for _offer, awaited in awaiting}:
                OfferPage.objects.filter(pk__in=[offer.pk for offer, awaited in awaiting if awaited == status]).update(
                    status=status
                )
        writer.index(offers, related=["company"], prefetch=["keywords"])

    def create_students(self) -> None:
        students = []
        for number, (person, school_index, programme_index) in enumerate(self.student_plans):
            programme = self.programmes[school_index][programme_index]
            students.append(
                Student(
                    user=person.user,
                    school=self.schools[school_index],
                    programme=programme,
                    study_level=programme.level,
                    email_confirmed_at=REFERENCE_DATETIME - timedelta(days=30, minutes=number),
                )
            )
        Student.objects.bulk_create(students, batch_size=500)
        TermsAcceptance.objects.bulk_create(
            (TermsAcceptance(accepted_by=student.user, version=settings.TERMS_VERSION) for student in students),
            batch_size=500,
        )
        self.tick(len(students))

    def create_applications(self) -> None:
        """The demo student applies through the real services, and the company answers; the other students' applications
        are written in bulk as those services would leave them (with their two documents and their history). No mail
        goes out."""

        def documents(person: Person) -> dict:
            name = f"{_ascii(person.last_name)}_{_ascii(person.first_name)}"
            return {
                "cv": SimpleUploadedFile(f"cv_{name}.pdf", pdf_bytes(f"CV - {person.first_name} {person.last_name}")),
                "motivation_letter": SimpleUploadedFile(
                    f"lettre_motivation_{name}.pdf", pdf_bytes(f"Lettre de motivation - {person.last_name}")
                ),
            }

        def answer(application, status: str, acting: User) -> None:
            if status != "pending":
                recruitment.open_application(application, by=acting)
            if status == "interview":
                recruitment.change_status(application, "interview", by=acting, comment="Rendez-vous à convenir.")
            elif status == "cancelled":
                recruitment.withdraw(application, by=application.student)

        company = self.companies[0]
        first_offer = OfferPage.objects.filter(company=company.page, status=OfferStatus.PUBLISHED).first()
        open_offers = list(OfferPage.objects.live().untargeted().select_related("company", "author").order_by("pk"))
        statuses, weights = list(APPLICATION_STATUS_SHARES), list(APPLICATION_STATUS_SHARES.values())
        student, *others = [person for person, _school, _programme in self.student_plans]
        taken: set[tuple[int, int]] = set()
        with without_notifications():
            application = recruitment.apply(
                student.user, offer=first_offer, message=APPLICATION_MESSAGES[0], **documents(student)
            )
            answer(application, DEMO_STUDENT_APPLICATIONS[0], first_offer.author or company.admin.user)
            recruitment.apply(student.user, company=company.page, message=APPLICATION_MESSAGES[1], **documents(student))
            self.tick(len(DEMO_STUDENT_APPLICATIONS))
        # The others, as `recruitment.apply` and the company's answers would leave them, written in bulk.
        planned = []
        for _number in range(APPLICATIONS_PER_SIZE * self.size):
            person, offer = self.rng.choice(others), self.rng.choice(open_offers)
            if (person.user.pk, offer.pk) in taken:
                self.tick(1)
                continue
            taken.add((person.user.pk, offer.pk))
            message = self.rng.choice(APPLICATION_MESSAGES)
            acting = offer.author or User.objects.filter(memberships__organisation=offer.company).first()
            planned.append((person, offer, message, acting, self.rng.choices(statuses, weights)[0]))
        for start in range(0, len(planned), 500):
            self._write_applications(planned[start : start + 500])

    def _write_applications(self, planned: list) -> None:
        now = timezone.now()
        applications = Application.objects.bulk_create(
            Application(
                student=person.user,
                offer=offer,
                company=offer.company,
                message=message,
                status=APPLICATION_STATUS_AFTER[status],
                read_at=None if status == "pending" else now,
            )
            for person, offer, message, _acting, status in planned
        )
        documents, events = [], []
        for application, (person, _offer, _message, acting, status) in zip(applications, planned, strict=True):
            name = f"{_ascii(person.last_name)}_{_ascii(person.first_name)}"
            for kind, filename, text in (
                (DocumentKind.CV, f"cv_{name}.pdf", f"CV - {person.first_name} {person.last_name}"),
                (
                    DocumentKind.MOTIVATION_LETTER,
                    f"lettre_motivation_{name}.pdf",
                    f"Lettre de motivation - {person.last_name}",
                ),
            ):
                content = pdf_bytes(text)
                document = ApplicationDocument(
                    application=application, kind=kind, name=filename, content_type=PDF, size=len(content)
                )
                document.file.save("document.pdf", ContentFile(content), save=False)
                documents.append(document)
            events.append(ApplicationEvent(application=application, by=person.user, before="", after=AS.PENDING))
            if status != "pending":
                events.append(ApplicationEvent(application=application, by=acting, before=AS.PENDING, after=AS.READ))
            if status == "interview":
                events.append(
                    ApplicationEvent(
                        application=application,
                        by=acting,
                        before=AS.READ,
                        after=AS.INTERVIEW,
                        comment="Rendez-vous à convenir.",
                    )
                )
            elif status == "cancelled":
                events.append(
                    ApplicationEvent(application=application, by=person.user, before=AS.READ, after=AS.CANCELLED)
                )
        ApplicationDocument.objects.bulk_create(documents)
        ApplicationEvent.objects.bulk_create(events)
        self.tick(len(planned))

    def create_internships(self) -> None:
        """Internships at every stage of the follow-up, for students of the first school at the demo company."""
        company = self.companies[0]
        first_school = [person.user for person, school, _programme in self.student_plans[1:] if school == 0]
        people = followup.People(
            company_admin=company.admin.user,
            company=company.contacts[0][0].user,
            school=self.tutor.user,
            academic=self.tutor.user,
        )
        with without_notifications():
            followup.create_internships(
                company=company.page,
                people=people,
                demo_student=self.student_plans[0][0].user,
                students=first_school[: len(followup.STAGES)],
                tick=self.tick,
            )

    def create_profiles(self) -> None:
        """Half of the students switch on a CV-book profile (the demo student among them), from their own draws."""
        users = [person.user for person, _school, _programme in self.student_plans]
        students = list(
            Student.objects.filter(user__in=users).select_related("user", "school", "programme").order_by("pk")
        )
        first = next(student for student in students if student.user.email == STUDENT_EMAIL)
        rng = random.Random(f"{self.seed}:profiles")
        create_profiles(demo_profile_students(students, rng, first=first), rng, tick=self.tick)

    def create_guides(self) -> None:
        existing = set(GuidePage.objects.child_of(self.guide_index).values_list("slug", flat=True))
        for number, guide in enumerate(GUIDES):
            if guide["slug"] not in existing:
                page = GuidePage(
                    title=guide["title"],
                    slug=guide["slug"],
                    locale=self.locale,
                    audience=guide["audience"],
                    intro=guide["intro"],
                    body=[{"type": kind, "value": value} for kind, value in guide["body"]],
                    first_published_at=self._published_at(60 + number),
                )
                self.guide_index.add_child(instance=page)
                page.save_revision(user=self.editor.user, clean=False).publish(
                    user=self.editor.user, skip_permission_checks=True
                )
                self.page_ids.append(page.pk)
            self.tick(1)

    def pin_publication_dates(self) -> None:
        """Publication stamps the pages with the current time; give them the fixed dates of the plan instead."""
        Page.objects.filter(pk__in=self.page_ids, first_published_at__isnull=False).update(
            last_published_at=F("first_published_at"), latest_revision_created_at=F("first_published_at")
        )
