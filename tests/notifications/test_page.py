"""`/comptes/notifications/`: the user's notifications as a web page."""

import pytest
from django.utils import timezone

from portal.notifications.models import Notification
from portal.notifications.services import notify
from tests.factories import UserFactory

URL = "/comptes/notifications/"


def published(recipient, title: str) -> Notification:
    return notify(
        "offer_published",
        recipient,
        key=f"offer_published:{title}:{recipient.pk}",
        offer_title=title,
        offer_number="00001",
        company="Talos",
        offer_url=f"https://stages.example/offres/{title.lower()}/",
    )


@pytest.mark.django_db
def test_the_page_lists_the_users_notifications_and_marks_the_unread_ones(client):
    user = UserFactory(language="en")
    read = published(user, "Ancienne")
    published(user, "Nouvelle")
    published(UserFactory(language="en"), "Xylophone")
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    client.force_login(user)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Your offer is published: Nouvelle" in html and "Your offer is published: Ancienne" in html
    assert "Xylophone" not in html
    assert html.count('class="card notification--unread"') == 1
    assert html.index("Nouvelle") < html.index("Ancienne")  # newest first
    assert 'href="https://stages.example/offres/nouvelle/"' in html
    assert 'action="/comptes/notifications/"' in html  # the "mark all as read" button


@pytest.mark.django_db
def test_mark_all_as_read_from_the_page(client):
    user = UserFactory()
    mine = [published(user, "Une"), published(user, "Deux")]
    theirs = published(UserFactory(), "Trois")
    client.force_login(user)

    response = client.post(URL)

    assert response.status_code == 302 and response.url == URL
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    html = client.get(URL).content.decode()
    assert "notification--unread" not in html and 'action="/comptes/notifications/"' not in html


@pytest.mark.django_db
def test_the_page_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(URL)
    posted = client.post(URL)

    assert response.status_code == 302 and "/comptes/connexion/" in response.url
    assert posted.status_code == 302 and "/comptes/connexion/" in posted.url
