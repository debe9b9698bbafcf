"""Failed sign-ins on the portal's sign-in page and the Wagtail admin's: limits that no header resets.

Limits of the settings: 5 failures per account and address, 50 per address, 15 minutes of cool-off.
"""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client, RequestFactory
from rest_framework.throttling import ScopedRateThrottle

from portal.accounts.addresses import client_address
from tests.factories import PASSWORD, UserFactory

LOGIN = "/comptes/connexion/"
ADMIN_LOGIN = "/admin/login/"
HOME = "203.0.113.7"
ELSEWHERE = "198.51.100.20"
PROXY = "10.0.0.2"


def sign_in(client, email, password, *, url=LOGIN, address=HOME, forwarded=None):
    headers = {"REMOTE_ADDR": address, "HTTP_ACCEPT_LANGUAGE": "en"}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(url, {"username": email, "password": password}, **headers)


def fail(times, email, *, url=LOGIN, address=HOME):
    """`times` wrong passwords, each from a fresh browser claiming another address in X-Forwarded-For."""
    return [
        sign_in(Client(), email, "wrong", url=url, address=address, forwarded=f"192.0.2.{n % 250}").status_code
        for n in range(times)
    ]


def minutes_later(minutes, seconds=0):
    """As if that long had passed since every recorded failure."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes, seconds=seconds))


def signed_in(client) -> bool:
    return client.get("/comptes/mon-compte/").status_code == 200


@pytest.fixture
def alice(db):
    return UserFactory(email="alice@example.test")


@pytest.fixture
def behind_one_proxy(settings):
    settings.NUM_PROXIES = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


# The portal's sign-in page


def test_sixty_wrong_passwords_with_forged_forwarded_for_are_locked_out_after_five(alice):
    statuses = fail(60, alice.email)

    assert statuses[:4] == [200] * 4
    assert statuses[4:] == [429] * 56


def test_after_the_limit_the_right_password_is_refused_with_the_wait_on_a_portal_page(alice):
    fail(5, alice.email)
    client = Client()

    response = sign_in(client, alice.email, PASSWORD, forwarded="192.0.2.99")

    assert response.status_code == 429
    assert "accounts/login_locked.html" in [t.name for t in response.templates]
    page = response.content.decode()
    assert "Too many failed sign-in attempts: try again in 15 minutes." in page
    assert 'class="site-header"' in page and 'class="site-footer"' in page  # the portal's layout
    assert 'role="alert"' in page and f'href="{LOGIN}"' in page
    assert 890 <= int(response["Retry-After"]) <= 900
    assert not signed_in(client)


def test_the_page_tells_the_time_left_not_the_whole_cool_off(alice):
    fail(5, alice.email)
    minutes_later(13, seconds=30)

    response = sign_in(Client(), alice.email, PASSWORD)

    assert response.status_code == 429
    assert "try again in 2 minutes." in response.content.decode()
    assert 80 <= int(response["Retry-After"]) <= 90


def test_a_refused_attempt_during_the_cool_off_does_not_lengthen_it(alice):
    fail(5, alice.email)
    minutes_later(10)
    fail(3, alice.email)

    response = sign_in(Client(), alice.email, PASSWORD)

    assert "try again in 5 minutes." in response.content.decode()


def test_the_cool_off_ends_and_the_right_password_signs_in(alice):
    fail(5, alice.email)
    minutes_later(15, seconds=1)
    client = Client()

    response = sign_in(client, alice.email, PASSWORD)

    assert response.status_code == 302
    assert signed_in(client)


def test_the_same_account_signs_in_from_another_address(alice):
    fail(5, alice.email)
    client = Client()

    response = sign_in(client, alice.email, PASSWORD, address=ELSEWHERE)

    assert response.status_code == 302
    assert signed_in(client)


def test_other_accounts_behind_the_same_address_still_sign_in(alice):
    bob = UserFactory(email="bob@example.test")
    fail(5, alice.email)
    client = Client()

    response = sign_in(client, bob.email, PASSWORD)

    assert response.status_code == 302
    assert signed_in(client)


def test_the_email_in_other_capitals_counts_as_the_same_account(alice):
    statuses = [
        sign_in(Client(), email, "wrong").status_code for email in ["ALICE@example.test", " Alice@Example.test"]
    ]
    statuses += fail(3, alice.email)

    assert statuses == [200, 200, 200, 200, 429]


def test_a_success_forgets_the_accounts_failures_from_that_address(alice):
    fail(4, alice.email)
    assert sign_in(Client(), alice.email, PASSWORD).status_code == 302

    assert fail(4, alice.email) == [200] * 4


def test_an_address_spraying_passwords_over_many_accounts_is_locked_out_at_its_own_limit(settings, db):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 12
    accounts = [UserFactory() for _ in range(7)]
    carol, dave = UserFactory(), UserFactory()
    statuses = [status for account in accounts[:5] for status in fail(2, account.email)] + fail(1, accounts[5].email)
    assert statuses == [200] * 11
    assert sign_in(Client(), carol.email, PASSWORD).status_code == 302  # below the address's limit

    twelfth = fail(1, accounts[6].email)

    assert twelfth == [429]
    assert sign_in(Client(), dave.email, PASSWORD).status_code == 429
    assert sign_in(Client(), dave.email, PASSWORD, address=ELSEWHERE).status_code == 302


def test_a_success_does_not_forget_the_addresss_other_failures(settings, db):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    accounts = [UserFactory() for _ in range(3)]
    fail(2, accounts[0].email)
    fail(2, accounts[1].email)
    fail(1, accounts[2].email)
    assert sign_in(Client(), accounts[2].email, PASSWORD).status_code == 302  # forgets accounts[2]'s one failure

    statuses = fail(2, accounts[2].email)

    assert statuses == [200, 429]


# The Wagtail admin's sign-in page


def test_admin_sign_in_is_locked_out_and_shows_the_wait_on_a_portal_page(db):
    editor = UserFactory(email="editor@example.test", is_staff=True, is_superuser=True)

    statuses = fail(8, editor.email, url=ADMIN_LOGIN)
    refused = sign_in(Client(), editor.email, PASSWORD, url=ADMIN_LOGIN)

    assert statuses == [200] * 4 + [429] * 4
    assert refused.status_code == 429
    assert "accounts/login_locked.html" in [t.name for t in refused.templates]
    page = refused.content.decode()
    assert 'class="site-header"' in page
    assert "try again in 15 minutes." in page and f'href="{ADMIN_LOGIN}"' in page
    assert int(refused["Retry-After"]) > 0


def test_admin_sign_in_from_another_address_reaches_the_admin(db):
    editor = UserFactory(email="editor@example.test", is_staff=True, is_superuser=True)
    fail(5, editor.email, url=ADMIN_LOGIN)

    response = sign_in(Client(), editor.email, PASSWORD, url=ADMIN_LOGIN, address=ELSEWHERE)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_failures_on_the_two_sign_in_pages_add_up(alice):
    fail(3, alice.email)
    fail(2, alice.email, url=ADMIN_LOGIN)

    assert sign_in(Client(), alice.email, PASSWORD).status_code == 429


# The client's address


def test_behind_one_proxy_the_lockout_is_of_the_address_the_proxy_saw(alice, behind_one_proxy):
    for n in range(5):
        sign_in(Client(), alice.email, "wrong", address=PROXY, forwarded=f"192.0.2.{n}, {HOME}")

    from_home = sign_in(Client(), alice.email, PASSWORD, address=PROXY, forwarded=f"{ELSEWHERE}, {HOME}")
    from_elsewhere = sign_in(Client(), alice.email, PASSWORD, address=PROXY, forwarded=f"{HOME}, {ELSEWHERE}")

    assert from_home.status_code == 429
    assert from_elsewhere.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {HOME}


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, None, PROXY),
        (0, f"{HOME}", PROXY),
        (1, None, PROXY),
        (1, f"{HOME}", HOME),
        (1, f"192.0.2.1, {HOME}", HOME),
        (1, f"192.0.2.1,{HOME} ", HOME),
        (2, f"192.0.2.1, {HOME}, 10.0.0.1", HOME),
        (2, f"{HOME}", HOME),
    ],
)
def test_the_client_address_is_read_as_the_api_rate_limits_read_it(settings, proxies, forwarded, expected):
    settings.NUM_PROXIES = proxies
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    headers = {"REMOTE_ADDR": PROXY} | ({"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {})
    request = RequestFactory().post(LOGIN, **headers)

    assert client_address(request) == expected
    assert ScopedRateThrottle().get_ident(request) == expected


def test_a_forwarded_entry_that_is_not_an_address_falls_back_to_the_peer(behind_one_proxy):
    request = RequestFactory().post(LOGIN, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="<script>")

    assert client_address(request) == PROXY
