import pytest
from django.core.cache import cache
from huey.contrib.djhuey import HUEY
from rest_framework.test import APIClient

pytest_plugins = ["tests.recruitment.fixtures"]

# Tasks run in-process, at once, when they are enqueued (after the transaction commits).
HUEY.immediate = True


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"
    cache.clear()  # throttling counters start from zero in every test


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the callbacks queued with transaction.on_commit (e-mails) as a real commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
