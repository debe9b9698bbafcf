"""Concurrent writers on the running portal: the web server and the task consumer, as `make run` starts them.

Writes of every kind arrive twenty at a time over HTTP while the consumer sends the e-mails of the previous
ones, on one database: the SQLite file of the embedded default (CI's first pass) or PostgreSQL with Redis (its
second pass). Every request must answer without a server error, every write must be there afterwards, and every
e-mail the writes recorded must reach the mail server once.
"""

from collections import Counter
from pathlib import Path

import pytest

from cms_pages.models import OfferPage, OrganisationPage
from portal.accounts.models import Student
from portal.demo.documents import pdf_bytes
from portal.notifications.models import Notification
from portal.recruitment.models import Application, ApplicationDocument, ApplicationMessage
from portal.reference.choices import OfferStatus
from tests.recruitment.files import upload
from tests.runtime.support import assert_answered, assert_every_notification_received_once, at_once, wait_until

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

OFFERS = 12  # created, submitted, approved by the company, then by the hub, each step twenty at a time


def offer_payload(company_id: int, n: int) -> dict:
    return {
        "company": company_id,
        "title": f"Stagiaire qualité {n}",
        "internship_type": "insertion",
        "mission": "Suivre la qualité de la production.",
        "profile_sought": "Étudiant en agronomie.",
        "study_level": "master",
        "duration_weeks": 16,
        "start_date": "2027-02-01",
        "city": "Namur",
        "country": "BE",
        "sector": "62",
        "keywords": ["qualité"],
        "places": 1,
    }


def test_writes_of_every_kind_twenty_at_a_time_all_land_and_each_email_goes_out_once(portal, people, sink):
    api = portal.api
    company = people.company.pk
    # Given offers written by the company's two authors and its administrator
    creators = [[*people.authors, people.admin][n % 3] for n in range(OFFERS)]

    # When twelve offers are created, eight students apply with their CV and letter, and two companies and
    # two students register, all at once
    first = at_once(
        *[
            lambda user=user, n=n: api.post("offers", token=people.token(user), json_body=offer_payload(company, n))
            for n, user in enumerate(creators)
        ],
        *[
            lambda user=user, n=n: api.post(
                "applications",
                token=people.token(user),
                form={
                    "offer": people.offers[n % 2].pk,
                    "message": f"Candidature {n}",
                    "cv": upload(f"cv-{n}.pdf", pdf_bytes(f"CV {n}")),
                    "motivation_letter": upload(f"lettre-{n}.pdf", pdf_bytes(f"Lettre {n}")),
                },
            )
            for n, user in enumerate(people.students)
        ],
        *[
            lambda n=n: api.post(
                "registrations/companies",
                json_body={
                    "name": f"Nouvelle entreprise {n}",
                    "city": "Liège",
                    "country": "BE",
                    "sector": "62",
                    "admin": {"email": f"admin{n}@nouvelle.test", "first_name": "Anne", "last_name": f"Dupont{n}"},
                    "accept_terms": True,
                },
            )
            for n in range(2)
        ],
        *[
            lambda n=n: api.post(
                "registrations/students",
                json_body={
                    "email": f"inscrit{n}@ecole.test",
                    "password": "Un-mot-de-passe-solide-42",
                    "first_name": "Jules",
                    "last_name": f"Martin{n}",
                    "school": people.programme.organisation_id,
                    "programme": people.programme.pk,
                    "study_level": "master",
                    "accept_terms": True,
                },
            )
            for n in range(2)
        ],
    )
    assert_answered(first, 201)
    created = [response.json()["id"] for response in first[:OFFERS]]
    applications = [response.json()["id"] for response in first[OFFERS : OFFERS + len(people.students)]]
    companies = [response.json()["id"] for response in first[-4:-2]]
    registered_students = [response.json()["id"] for response in first[-2:]]

    # And the offers are submitted while the company writes to every applicant
    second = at_once(
        *[
            lambda user=user, offer=offer: api.post(f"offers/{offer}/submit", token=people.token(user))
            for user, offer in zip(creators, created, strict=True)
        ],
        *[
            lambda application=application: api.post(
                f"applications/{application}/messages",
                token=people.token(people.admin),
                json_body={"body": f"Bonjour, merci pour la candidature {application}."},
            )
            for application in applications
        ],
    )
    assert_answered(second[:OFFERS], 200)
    assert_answered(second[OFFERS:], 201)
    by_authors = [offer for offer, user in zip(created, creators, strict=True) if user != people.admin]
    assert {response.json()["status"] for response in second[:OFFERS]} == {
        "awaiting_company_validation",
        "awaiting_hub_validation",
    }

    # And the administrator approves the authors' offers while the authors write to the applicants again
    third = at_once(
        *[
            lambda offer=offer: api.post(f"offers/{offer}/approve", token=people.token(people.admin))
            for offer in by_authors
        ],
        *[
            lambda application=application, n=n: api.post(
                f"applications/{application}/messages",
                token=people.token(people.authors[n % 2]),
                json_body={"body": f"Pouvez-vous venir mardi ? ({application})"},
            )
            for n, application in enumerate(applications)
        ],
    )
    assert_answered(third[: len(by_authors)], 200)
    assert_answered(third[len(by_authors) :], 201)

    # And the hub's moderator publishes the twelve offers at once, while the consumer sends the mails above
    fourth = at_once(
        *[
            lambda offer=offer: api.post(f"offers/{offer}/approve", token=people.token(people.moderator))
            for offer in created
        ]
    )
    assert_answered(fourth, 200)
    assert {response.json()["status"] for response in fourth} == {"published"}
    messages = [response.json()["id"] for response in [*second[OFFERS:], *third[len(by_authors) :]]]

    # Then the consumer sends every e-mail the writes recorded, and the mail server has each exactly once
    wait_until(
        lambda: portal.database.notifications("sent_at is null") == 0,
        timeout=90,
        message=lambda: f"Not every e-mail was sent ({len(sink.messages)} received).\n{portal.logs()}",
        check=portal.check_alive,
    )
    portal.stop_consumer()
    assert_every_notification_received_once(portal, sink)

    # And every write is there
    offers = OfferPage.objects.filter(pk__in=created)
    assert sorted(offers.values_list("pk", flat=True)) == sorted(created)
    assert set(offers.values_list("status", flat=True)) == {OfferStatus.PUBLISHED}
    assert all(offers.values_list("live", flat=True))
    assert sorted(Application.objects.filter(pk__in=applications).values_list("pk", flat=True)) == sorted(applications)
    documents = ApplicationDocument.objects.filter(application_id__in=applications)
    assert documents.count() == 2 * len(applications)
    assert all((Path(portal.var_dir) / "private" / name).is_file() for name in documents.values_list("file", flat=True))
    assert sorted(ApplicationMessage.objects.filter(pk__in=messages).values_list("pk", flat=True)) == sorted(messages)
    assert OrganisationPage.objects.companies().filter(pk__in=companies).count() == 2
    assert Student.objects.filter(user_id__in=registered_students).count() == 2

    # And each of them recorded its e-mails: the offers' steps, the applications, the messages, the registrations
    kinds = Counter(Notification.objects.values_list("kind", flat=True))
    assert kinds["offer_published"] >= OFFERS
    assert kinds["offer_to_moderate"] == OFFERS
    assert kinds["offer_to_validate"] == len(by_authors)
    assert kinds["application_received"] == len(applications)
    assert kinds["application_message"] == len(messages)
    assert kinds["account_access"] == 2 and kinds["student_confirmation"] == 2
    published = {
        payload["offer_id"]
        for payload in Notification.objects.filter(kind="offer_published").values_list("payload", flat=True)
    }
    assert published == set(created)

    # And neither process met an error
    assert "Traceback" not in portal.logs(), portal.logs()
