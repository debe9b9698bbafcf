"""Web forms in another encoding than UTF-8, or holding a NUL character, are refused: never stored garbled."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_latin1_form_is_refused_with_400_and_changes_nothing(client):
    user = UserFactory(first_name="Aurélie")
    client.force_login(user)

    response = client.post(
        reverse("accounts:personal_information"),
        "first_name=Aur%E9lie&last_name=Hogge&language=fr".encode("ascii"),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.first_name == "Aurélie"


def test_a_form_declared_in_another_charset_is_refused(client):
    client.force_login(UserFactory())

    response = client.post(
        reverse("accounts:personal_information"),
        "first_name=Aurélie&last_name=Hogge",  # the client encodes it in the declared charset
        content_type="application/x-www-form-urlencoded; charset=iso-8859-1",
    )

    assert response.status_code == 400


def test_a_multipart_form_with_bytes_that_are_not_utf8_is_refused(client):
    client.force_login(UserFactory())
    boundary = "BoUnDaRy"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="first_name"\r\n\r\n'.encode()
        + "Aur\xe9lie".encode("latin-1")
        + f"\r\n--{boundary}--\r\n".encode()
    )

    response = client.post(
        reverse("accounts:personal_information"), body, content_type=f"multipart/form-data; boundary={boundary}"
    )

    assert response.status_code == 400


def test_a_utf8_form_goes_through(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:personal_information"),
        "first_name=Aur%C3%A9lie&last_name=Hogge&language=fr&civility=ms".encode("ascii"),
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code in (200, 302)
    assert response.status_code != 400


@pytest.mark.parametrize("query", ["\x00", "Talos\x00", "x" * 500])
def test_the_company_lookup_refuses_a_nul_or_a_query_too_long_with_a_message(client, query):
    response = client.get(reverse("accounts:company_lookup"), {"q": query})

    assert response.status_code == 200
    assert response.context["form"].errors["q"]
    assert list(response.context["results"]) == []
