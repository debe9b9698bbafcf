"""The cache on Redis (`portal.cache`): Django's backend, with one Redis client per server for every call, and a
portal that answers when Redis does not."""

import datetime
import logging
import threading

import pytest
from django.core.cache import caches
from django.utils import timezone

from cms_pages import offer_index
from portal.cache import RedisCache
from portal.reference.choices import OfferStatus
from tests.factories import PASSWORD, OfferFactory, company_admin, student

# A port nothing listens on: Redis refuses at once.
UNREACHABLE = "redis://127.0.0.1:1/0"


def unreachable_cache() -> dict:
    return {
        "BACKEND": "portal.cache.RedisCache",
        "LOCATION": UNREACHABLE,
        "KEY_PREFIX": "portal",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }


def test_without_redis_a_read_is_a_miss_and_a_write_is_dropped(caplog):
    backend = RedisCache(UNREACHABLE, {"OPTIONS": {"socket_connect_timeout": 0.5}})

    with caplog.at_level(logging.WARNING, logger="portal.cache"):
        assert backend.get("answer", "by default") == "by default"
        assert backend.get_many(["answer", "other"]) == {}
        assert backend.add("answer", 1) is False
        assert backend.set("answer", 1) is None
        assert backend.set_many({"answer": 1}) == []
        assert backend.touch("answer") is False
        assert backend.has_key("answer") is False
        assert backend.delete("answer") is False
        assert backend.delete_many(["answer"]) is None
        with pytest.raises(ValueError, match="not found"):
            backend.incr("answer")

    assert len(caplog.records) == 10
    assert "The cache cannot be reached" in caplog.records[0].getMessage()


@pytest.mark.django_db
def test_the_portal_answers_without_its_cache(settings, api_client, client):
    """Redis down: the public search is searched afresh by SQL (no index of the offers is read for a generation no
    other request shares), a session is read from the database, a sign-in gets its token (the rate limit counting
    from zero)."""
    settings.CACHES = {"default": unreachable_cache()}
    published = timezone.now() - datetime.timedelta(hours=1)
    OfferFactory(title="Stage sans cache", live=True, status=OfferStatus.PUBLISHED, first_published_at=published)
    offer_index.forget()

    for _ in range(2):
        search = api_client.get("/api/v1/offers", {"q": "cache"})
        assert search.status_code == 200
        assert [offer["title"] for offer in search.json()["results"]] == ["Stage sans cache"]
    assert offer_index.held() is None

    learner = student()
    client.force_login(learner)
    assert client.get("/api/v1/me", HTTP_ACCEPT="application/json").json()["email"] == learner.email

    admin = company_admin(OfferFactory._meta.model.objects.get().company)
    login = api_client.post("/api/v1/auth/login", {"email": admin.email, "password": PASSWORD}, format="json")
    assert login.status_code == 200 and login.json()["token"]


@pytest.mark.redis_only
def test_every_call_goes_through_one_client_of_the_server():
    backend = caches["default"]
    assert isinstance(backend, RedisCache)

    first = backend._cache.get_client("a")

    assert backend._cache.get_client("b") is first
    assert backend._cache.get_client("c", write=True) is first


@pytest.mark.redis_only
def test_values_go_and_come_back_through_the_shared_client():
    backend = caches["default"]
    backend.set("answer", {"count": 3, "facets": {"sector": []}})

    assert backend.get("answer") == {"count": 3, "facets": {"sector": []}}
    assert backend.get_many(["answer", "missing"]) == {"answer": {"count": 3, "facets": {"sector": []}}}
    assert backend.add("answer", "other") is False
    backend.delete("answer")
    assert backend.get("answer") is None


@pytest.mark.redis_only
def test_threads_share_the_client_each_reading_its_own_values():
    backend, faults = caches["default"], []

    def work(number: int) -> None:
        for round_ in range(50):
            backend.set(f"thread-{number}", (number, round_))
            if backend.get(f"thread-{number}") != (number, round_):
                faults.append((number, round_))

    threads = [threading.Thread(target=work, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert faults == []
    assert backend.get_many([f"thread-{number}" for number in range(8)]) == {
        f"thread-{number}": (number, 49) for number in range(8)
    }
