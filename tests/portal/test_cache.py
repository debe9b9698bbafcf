"""The cache on Redis (`portal.cache`): Django's backend, with one Redis client per server for every call."""

import threading

import pytest
from django.core.cache import caches

from portal.cache import RedisCache

pytestmark = pytest.mark.redis_only


def test_every_call_goes_through_one_client_of_the_server():
    backend = caches["default"]
    assert isinstance(backend, RedisCache)

    first = backend._cache.get_client("a")

    assert backend._cache.get_client("b") is first
    assert backend._cache.get_client("c", write=True) is first


def test_values_go_and_come_back_through_the_shared_client():
    backend = caches["default"]
    backend.set("answer", {"count": 3, "facets": {"sector": []}})

    assert backend.get("answer") == {"count": 3, "facets": {"sector": []}}
    assert backend.get_many(["answer", "missing"]) == {"answer": {"count": 3, "facets": {"sector": []}}}
    assert backend.add("answer", "other") is False
    backend.delete("answer")
    assert backend.get("answer") is None


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
