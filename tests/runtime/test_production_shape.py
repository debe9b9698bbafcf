"""The portal in its production shape: gunicorn's workers with `DEBUG=0` and several Huey consumers.

On PostgreSQL with Redis (CI's second pass) the README's Production section: `gunicorn portal.wsgi -w 4` and two
`run_huey` consumers. On the SQLite file of the embedded default (CI's first pass), the production shape SQLite
bears: two gunicorn workers and one consumer (SqliteHuey's queue is a file beside the database; several web
processes write to it in turns, as the WAL mode and `BEGIN IMMEDIATE` let them). Either way the static files are
collected with the production storage and served by whitenoise.

Students apply with their CV and letter through the API while the company's people create and submit offers, its
administrator validates them and the hub's moderator publishes them, twenty requests at a time, spread over the
workers: no request may answer a server error, every write must be there exactly once, every e-mail the writes
recorded must reach the mail server exactly once.
"""

import os
import re
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from cms_pages.models import OfferPage
from portal.demo.documents import pdf_bytes
from portal.notifications.models import Notification
from portal.recruitment.models import Application, ApplicationDocument
from portal.reference.choices import OfferStatus
from tests.recruitment.files import upload
from tests.runtime.support import (
    FAST_DELIVERY,
    Portal,
    Shape,
    SharedDatabase,
    assert_answered,
    assert_every_notification_received_once,
    at_once,
    wait_until,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

OFFERS = 9  # created by the two authors and the administrator, submitted, validated, published


def production_shape() -> Shape:
    """The README's production shape where the backend bears it: several consumers need Redis's queue."""
    several_writers = connection.vendor == "postgresql"
    return Shape(web_workers=4 if several_writers else 2, consumers=2 if os.environ.get("REDIS_URL") else 1)


@pytest.fixture
def production(tmp_path, sink, people):
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    running = Portal(var_dir, sink, SharedDatabase(var_dir), shape=production_shape(), **FAST_DELIVERY)
    try:
        running.start()
        yield running
    finally:
        running.close()


def offer_payload(company_id: int, n: int) -> dict:
    return {
        "company": company_id,
        "title": f"Assistant qualité en production {n}",
        "internship_type": "insertion",
        "mission": "Suivre les contrôles de qualité de la ligne de production.",
        "profile_sought": "Étudiant en agronomie ou en chimie.",
        "study_level": "master",
        "duration_weeks": 12,
        "start_date": "2027-03-01",
        "city": "Gembloux",
        "country": "BE",
        "sector": "62",
        "keywords": ["qualité"],
        "places": 2,
    }


def apply(portal: Portal, people, student, offer_id: int, n: int):
    return lambda: portal.api.post(
        "applications",
        token=people.token(student),
        form={
            "offer": offer_id,
            "message": f"Candidature {n} de {student.email}",
            "cv": upload(f"cv-{n}.pdf", pdf_bytes(f"CV {student.email}")),
            "motivation_letter": upload(f"lettre-{n}.pdf", pdf_bytes(f"Lettre {student.email}")),
        },
    )


def test_production_shape_applications_and_moderation_at_once_each_write_and_email_once(production, people, sink):
    portal, api, company = production, production.api, people.company.pk
    students = people.students
    creators = [[*people.authors, people.admin][n % 3] for n in range(OFFERS)]
    by_authors = [n for n, user in enumerate(creators) if user != people.admin]

    # When offers are created while every student applies to the first published offer, with a CV and a letter
    first = at_once(
        *[
            lambda user=user, n=n: api.post("offers", token=people.token(user), json_body=offer_payload(company, n))
            for n, user in enumerate(creators)
        ],
        *[apply(portal, people, student, people.offers[0].pk, n) for n, student in enumerate(students)],
    )
    assert_answered(first, 201)
    created = [response.json()["id"] for response in first[:OFFERS]]

    # And they are submitted while every student applies to the second offer and visitors read the search
    second = at_once(
        *[
            lambda user=user, offer=offer: api.post(f"offers/{offer}/submit", token=people.token(user))
            for user, offer in zip(creators, created, strict=True)
        ],
        *[apply(portal, people, student, people.offers[1].pk, n) for n, student in enumerate(students)],
        lambda: api.get("offers?q=assistant", token=people.token(students[0])),
        lambda: portal.get("/offres/"),
        lambda: portal.get("/offres/?q=developpeur"),
        lambda: api.get("offers?q=assistant"),
    )
    assert_answered(second[:OFFERS], 200)
    assert_answered(second[OFFERS : OFFERS + len(students)], 201)
    assert_answered(second[OFFERS + len(students) :], 200)

    # And the administrator validates the authors' offers, then the hub's moderator publishes all of them
    assert_answered(
        at_once(
            *[
                lambda offer=created[n]: api.post(f"offers/{offer}/approve", token=people.token(people.admin))
                for n in by_authors
            ]
        ),
        200,
    )
    published = at_once(
        *[
            lambda offer=offer: api.post(f"offers/{offer}/approve", token=people.token(people.moderator))
            for offer in created
        ]
    )
    assert_answered(published, 200)
    assert {response.json()["status"] for response in published} == {"published"}

    # And every student applies to one of the new offers while the search and its stylesheet are read (the
    # production storage names each static file by its content's hash)
    stylesheet = re.search(r'href="(/static/css/[^"]+\.[0-9a-f]{12}\.css)"', second[-3].body.decode()).group(1)
    third = at_once(
        *[apply(portal, people, student, created[n % OFFERS], n) for n, student in enumerate(students)],
        lambda: api.get("offers?q=assistant", token=people.token(students[-1])),
        lambda: portal.get("/offres/?q=assistant"),
        lambda: portal.get(stylesheet),
        lambda: api.get("offers?q=assistant"),
    )
    assert_answered(third[: len(students)], 201)
    assert_answered(third[len(students) :], 200)
    assert b"Assistant qualit" in third[-3].body
    # The public search read before the publications (and kept by the worker that answered it, in the cache the
    # workers share) finds the new offers at once, whichever worker answers
    assert third[-1].json()["count"] == second[-1].json()["count"] + OFFERS
    # So does the search of the programme's students, kept for them all (read by one, then by another)
    programme_before, programme_after = second[OFFERS + len(students)], third[len(students)]
    assert programme_after.json()["count"] == programme_before.json()["count"] + OFFERS

    # Then the consumers send every e-mail the writes recorded, and the mail server has each exactly once
    wait_until(
        lambda: portal.database.notifications("sent_at is null") == 0,
        timeout=90,
        message=lambda: f"Not every e-mail was sent ({len(sink.messages)} received).\n{portal.logs()}",
        check=portal.check_alive,
    )
    portal.stop_consumers()
    assert_every_notification_received_once(portal, sink)

    # And every write is there exactly once: the offers, published, and each student's three applications
    offers = OfferPage.objects.filter(pk__in=created)
    assert Counter(offers.values_list("title", flat=True)) == Counter(
        offer_payload(company, n)["title"] for n in range(OFFERS)
    )
    assert set(offers.values_list("status", flat=True)) == {OfferStatus.PUBLISHED}
    applied_to = [people.offers[0].pk, people.offers[1].pk]
    expected = Counter(
        (student.pk, offer) for n, student in enumerate(students) for offer in (*applied_to, created[n % OFFERS])
    )
    applications = Application.objects.filter(student__in=students)
    assert Counter(applications.values_list("student_id", "offer_id")) == expected
    documents = ApplicationDocument.objects.filter(application__in=applications)
    assert documents.count() == 2 * sum(expected.values())
    assert all((Path(portal.var_dir) / "private" / name).is_file() for name in documents.values_list("file", flat=True))

    # And each write recorded its e-mails: the offers' steps and one per application to the offer's author
    kinds = Counter(Notification.objects.values_list("kind", flat=True))
    told = Notification.objects.filter(kind="application_received").values_list("key", flat=True)
    assert {int(key.split(":")[1]) for key in told} == set(applications.values_list("pk", flat=True))
    assert kinds["offer_to_moderate"] == OFFERS
    assert kinds["offer_to_validate"] == len(by_authors)

    # And the requests were spread over the workers, and no process met an error
    assert len(portal.web_workers_that_answered()) >= 2, portal.web.output()
    assert "Traceback" not in portal.logs(), portal.logs()
