"""The results of the searches many people make, held in each process as the API wrote them (`api.offers.SUMMARIES`):
a new search whose page holds offers shown since the offers changed writes the same rows without reading them."""

import datetime
import re

import pytest
from django.utils import timezone

from api import offers as offers_api
from cms_pages import search_cache
from portal.reference.choices import OfferStatus
from tests.factories import OfferFactory, ProgrammeFactory, student

pytestmark = pytest.mark.django_db

SEARCH_API = "/api/v1/offers"


@pytest.fixture(autouse=True)
def nothing_held(monkeypatch):
    monkeypatch.setattr(offers_api, "SUMMARIES", offers_api.HeldSummaries(limit=2000))


@pytest.fixture
def offers():
    published = timezone.now() - datetime.timedelta(days=1)
    return [
        OfferFactory(
            title=f"Stage {number}",
            live=True,
            status=OfferStatus.PUBLISHED,
            first_published_at=published + datetime.timedelta(minutes=number),
        )
        for number in range(6)
    ]


def new_search(client, day: int, headers: dict | None = None, **params):
    """A search never made before: a start date every offer meets, another one each time."""
    date = datetime.date(2090, 1, 1) + datetime.timedelta(days=day)
    response = client.get(SEARCH_API, {"start_before": date.isoformat(), **params}, headers=headers)
    assert response.status_code == 200
    return response.json()


def test_a_new_search_writes_the_rows_shown_since_the_change_without_reading_them(
    offers, client, django_assert_num_queries
):
    first = new_search(client, 1)
    # Another search never made before, whose page holds the same offers: counted in memory, its rows held.
    with django_assert_num_queries(0):
        second = new_search(client, 2)
    assert second["results"] == first["results"]
    assert [offer["title"] for offer in second["results"]] == [f"Stage {number}" for number in reversed(range(6))]


def test_a_page_reads_only_the_offers_not_shown_yet(offers, client, django_assert_num_queries):
    assert len(new_search(client, 1, page_size=2)["results"]) == 2
    with django_assert_num_queries(1) as read:
        wider = new_search(client, 2, page_size=4)
    assert [offer["id"] for offer in wider["results"]] == [offer.pk for offer in reversed(offers[2:])]
    (ids,) = re.findall(r'"page_ptr_id" IN \(([^)]*)\)', read.captured_queries[0]["sql"])
    assert sorted(int(pk) for pk in ids.split(",")) == [offers[2].pk, offers[3].pk]


def test_the_rows_are_written_again_once_the_offers_change(offers, client):
    new_search(client, 1)
    offer = offers[5]
    offer.title = "Stage renommé"
    offer.save_revision().publish()
    assert new_search(client, 2)["results"][0]["title"] == "Stage renommé"


def test_the_rows_are_held_per_language(offers, client):
    french = new_search(client, 1, internship_type="insertion")["results"][0]
    english = new_search(client, 2, {"Accept-Language": "en"}, internship_type="insertion")
    assert english["results"][0]["id"] == french["id"]
    assert (french["country_label"], english["results"][0]["country_label"]) == ("Belgique", "Belgium")


def test_a_programmes_students_share_the_rows_with_the_public(offers, client, django_assert_num_queries):
    learner = student(ProgrammeFactory())  # their school, a page, changes the offers' generation: made first
    public = new_search(client, 1)
    client.force_login(learner)
    with django_assert_num_queries(1):  # the session's person, with their school's country
        theirs = new_search(client, 2)
    assert theirs["results"] == public["results"]


def test_the_rows_held_are_bounded_in_number_and_in_time(monkeypatch):
    held, asked = offers_api.HeldSummaries(limit=3), []

    def read_missing(ids):
        asked.append(ids)
        return {pk: {"id": pk} for pk in ids if pk != 99}

    assert held.read(("key",), [1, 2, 99], read_missing) == [{"id": 1}, {"id": 2}]
    assert held.read(("key",), [2, 3, 4], read_missing) == [{"id": 2}, {"id": 3}, {"id": 4}]
    assert held.read(("other",), [1], read_missing) == [{"id": 1}]
    assert asked == [[1, 2, 99], [3, 4], [1]]
    assert len(held.rows) == 3  # 1 and 2 of "key" left, the least recently shown
    # Past the time a kept search lives, every row is read again.
    monkeypatch.setattr(search_cache, "KEPT_FOR", 1e-9)
    held.read(("other",), [1], read_missing)
    assert asked[-1] == [1]
