import uuid

import pytest
from django.conf import settings as django_settings
from django.db import connection
from huey.contrib.djhuey import HUEY
from rest_framework.test import APIClient

pytest_plugins = ["tests.recruitment.fixtures"]

# Tasks run in-process, at once, when they are enqueued (after the transaction commits).
HUEY.immediate = True


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Keep the migrated data that transactional tests restore for every connection object of the session.

    Django keeps it (`_test_serialized_contents`) on the connection object that created the test database;
    a later connection object of the same thread (Playwright's event loop in the browser tests gets one)
    would not have it, and a transactional test would then start from an empty database. It is kept on the
    backend's class as well.
    """
    from django.db import connections

    for database in connections.all():
        contents = getattr(database, "_test_serialized_contents", None)
        if contents is not None:
            type(database)._test_serialized_contents = contents
    return django_db_setup


def cache_of_its_own(caches: dict, tmp_path) -> dict:
    """The cache settings of one test: empty, and seen by no other test (rate limits start from zero).

    Under pytest-xdist the workers share one Redis database and one var/ folder, where clearing the cache
    (FLUSHDB, or emptying the folder) would wipe the other workers' counters in the middle of their tests:
    each test gets a key prefix of its own on Redis (its keys expire with their timeouts), a folder of its own
    for the file cache.
    """
    default = dict(caches["default"])
    if default["BACKEND"] == "portal.cache.RedisCache":
        default["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    else:
        default["LOCATION"] = str(tmp_path / "cache")
    return {"default": default}


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"
    settings.CACHES = cache_of_its_own(settings.CACHES, tmp_path)


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the callbacks queued with transaction.on_commit (e-mails) as a real commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def pytest_collection_modifyitems(config, items):
    """Tests of PostgreSQL's own behaviour (row locks under concurrent writers) run in the PostgreSQL pass only, and
    tests of the Redis cache where it is the cache (`REDIS_URL`).

    CI runs the suite twice, on SQLite then on PostgreSQL with Redis: they are deselected (and counted so) in the first.
    """
    absent = set()
    if connection.vendor != "postgresql":
        absent.add("postgresql_only")
    if not django_settings.REDIS_URL:
        absent.add("redis_only")
    deselected = [item for item in items if any(item.get_closest_marker(marker) for marker in absent)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        left_out = set(deselected)
        items[:] = [item for item in items if item not in left_out]
