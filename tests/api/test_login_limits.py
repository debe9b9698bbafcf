"""The API's token login and password reset: limits that no forged header resets, in the API's error format.

Limits of the settings: 5 failures per account and address, 50 per address, 15 minutes of cool-off; the
password reset endpoints answer 30 requests a minute per address.
"""

import os
import subprocess
import sys
import uuid
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.db.models import F
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import PASSWORD, UserFactory

LOGIN = "/api/v1/auth/login"
RESET = "/api/v1/auth/password-reset"
HOME = "203.0.113.7"
ELSEWHERE = "198.51.100.20"
PROXY = "10.0.0.2"


def log_in(email, password, *, address=HOME, forwarded=None):
    headers = {"REMOTE_ADDR": address, "HTTP_ACCEPT_LANGUAGE": "en"}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return APIClient().post(LOGIN, {"email": email, "password": password}, format="json", **headers)


def fail(times, email, *, address=HOME):
    """`times` wrong passwords, each claiming another address in X-Forwarded-For."""
    return [log_in(email, "wrong", address=address, forwarded=f"192.0.2.{n % 250}").status_code for n in range(times)]


def minutes_later(minutes, seconds=0):
    """As if that long had passed since every recorded failure."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes, seconds=seconds))


def assert_throttled(response, *, minutes):
    assert response.status_code == 429
    assert response.json() == {
        "detail": f"Too many failed sign-in attempts: try again in {minutes} minutes.",
        "code": "throttled",
        "errors": {},
    }
    assert (minutes - 1) * 60 < int(response["Retry-After"]) <= minutes * 60


@pytest.fixture
def alice(db):
    return UserFactory(email="alice@example.test")


@pytest.fixture
def behind_one_proxy(settings):
    settings.NUM_PROXIES = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


# POST /auth/login


def test_sixty_wrong_passwords_with_forged_forwarded_for_are_locked_out_after_five(alice):
    statuses = fail(60, alice.email)

    assert statuses[:4] == [401] * 4
    assert statuses[4:] == [429] * 56


def test_after_the_limit_the_right_password_is_refused_with_the_wait(alice):
    fail(5, alice.email)

    response = log_in(alice.email, PASSWORD, forwarded="192.0.2.99")

    assert_throttled(response, minutes=15)
    assert not Token.objects.filter(user=alice).exists()


def test_the_wait_is_the_time_left(alice):
    fail(5, alice.email)
    minutes_later(12, seconds=30)

    assert_throttled(log_in(alice.email, PASSWORD), minutes=3)


def test_the_cool_off_ends_and_the_right_password_gets_a_token(alice):
    fail(5, alice.email)
    minutes_later(15, seconds=1)

    response = log_in(alice.email, PASSWORD)

    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=alice).key


def test_the_same_account_gets_a_token_from_another_address(alice):
    fail(5, alice.email)

    response = log_in(alice.email, PASSWORD, address=ELSEWHERE)

    assert response.status_code == 200
    assert response.json()["user"]["email"] == alice.email


def test_a_class_behind_one_school_address_signs_in_while_one_student_is_locked_out(alice):
    classmates = [UserFactory() for _ in range(40)]
    fail(5, alice.email)

    statuses = [log_in(student.email, PASSWORD).status_code for student in classmates]

    assert statuses == [200] * 40
    assert log_in(alice.email, PASSWORD).status_code == 429


def test_a_token_login_forgets_the_accounts_failures_and_records_the_sign_in(alice):
    fail(4, alice.email)

    assert log_in(alice.email, PASSWORD).status_code == 200

    alice.refresh_from_db()
    assert alice.last_login is not None
    assert fail(4, alice.email) == [401] * 4


def test_an_address_spraying_passwords_is_locked_out_for_every_account_at_its_own_limit(settings, db):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 8
    accounts = [UserFactory() for _ in range(8)]
    carol = UserFactory()

    statuses = [fail(1, account.email)[0] for account in accounts]

    assert statuses == [401] * 7 + [429]
    assert_throttled(log_in(carol.email, PASSWORD), minutes=15)
    assert log_in(carol.email, PASSWORD, address=ELSEWHERE).status_code == 200


def test_failures_on_the_web_the_admin_and_the_api_add_up(alice):
    for url in ["/comptes/connexion/", "/comptes/connexion/", "/admin/login/", "/admin/login/"]:
        Client().post(url, {"username": alice.email, "password": "wrong"}, REMOTE_ADDR=HOME)

    assert fail(1, alice.email) == [429]


def test_behind_one_proxy_the_login_lockout_is_of_the_address_the_proxy_saw(alice, behind_one_proxy):
    for n in range(5):
        log_in(alice.email, "wrong", address=PROXY, forwarded=f"192.0.2.{n}, {HOME}")

    assert log_in(alice.email, PASSWORD, address=PROXY, forwarded=f"{ELSEWHERE}, {HOME}").status_code == 429
    assert log_in(alice.email, PASSWORD, address=PROXY, forwarded=f"{HOME}, {ELSEWHERE}").status_code == 200


# POST /auth/password-reset (rate limited per address by REST framework)


def ask_for_a_reset(*, address=HOME, forwarded=None):
    headers = {"REMOTE_ADDR": address}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return APIClient().post(RESET, {"email": "nobody@example.test"}, format="json", **headers)


@pytest.mark.django_db
def test_password_reset_rate_is_not_reset_by_a_forged_forwarded_for():
    statuses = [ask_for_a_reset(forwarded=f"192.0.2.{n}").status_code for n in range(31)]

    assert statuses == [202] * 30 + [429]
    refused = ask_for_a_reset(forwarded="192.0.2.200")
    assert refused.status_code == 429 and refused.json()["code"] == "throttled" and refused.json()["errors"] == {}
    assert 0 < int(refused["Retry-After"]) <= 60
    assert ask_for_a_reset(address=ELSEWHERE).status_code == 202


@pytest.mark.django_db
def test_behind_one_proxy_the_password_reset_rate_is_of_the_address_the_proxy_saw(behind_one_proxy):
    statuses = [ask_for_a_reset(address=PROXY, forwarded=f"192.0.2.{n}, {HOME}").status_code for n in range(31)]

    assert statuses == [202] * 30 + [429]
    assert ask_for_a_reset(address=PROXY, forwarded=f"{HOME}, {ELSEWHERE}").status_code == 202


# The rate limits' counters


def test_the_cache_of_the_rate_limits_is_shared_between_processes(tmp_path):
    key = f"shared-{uuid.uuid4().hex}"
    # The settings of a server process: the test run's own cache settings (conftest) are not theirs.
    environment = {**os.environ, "VAR_DIR": str(tmp_path)}

    def run(code):
        return subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "--no-imports",
                "-c",
                f"from django.core.cache import cache; {code}",
            ],
            cwd=django_settings.BASE_DIR,
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    run(f"cache.set({key!r}, 7, 60)")
    seen = run(f"print(cache.get({key!r})); cache.delete({key!r})")

    assert seen == "7"
