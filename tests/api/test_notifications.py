"""`/api/v1/notifications`: the caller's in-app notifications, and marking them read."""

import datetime

import pytest
from django.utils import timezone

from portal.notifications.models import Notification
from portal.notifications.services import notify
from tests.factories import UserFactory

FIELDS = {"id", "kind", "title", "payload", "created_at", "read_at", "sent_at"}


def published(recipient, n: int) -> Notification:
    return notify(
        "offer_published",
        recipient,
        key=f"offer_published:{n}:{recipient.pk}",
        offer_title=f"Stage {n}",
        offer_number=f"{n:05d}",
        company="Talos",
        offer_url=f"https://stages.example/offres/stage-{n}/",
    )


@pytest.fixture
def leila():
    return UserFactory(language="en")


@pytest.fixture
def signed_in(api_client, leila):
    api_client.force_authenticate(leila)
    return api_client


@pytest.mark.django_db
def test_the_list_shows_the_callers_notifications_newest_first(signed_in, leila):
    first, second = published(leila, 1), published(leila, 2)
    published(UserFactory(), 3)

    response = signed_in.get("/api/v1/notifications")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and body["next"] is None and body["previous"] is None
    assert [item["id"] for item in body["results"]] == [second.pk, first.pk]
    item = body["results"][1]
    assert set(item) == FIELDS
    assert item["kind"] == "offer_published"
    assert item["title"] == "Your offer is published: Stage 1"
    assert item["payload"]["offer_url"] == "https://stages.example/offres/stage-1/"
    assert item["read_at"] is None and item["sent_at"] is None and item["created_at"]


@pytest.mark.django_db
def test_the_list_is_paginated(signed_in, leila):
    for n in range(5):
        published(leila, n)

    body = signed_in.get("/api/v1/notifications", {"page_size": 2, "page": 2}).json()

    assert body["count"] == 5 and len(body["results"]) == 2
    assert body["next"] and body["previous"]


@pytest.mark.django_db
def test_a_notification_whose_title_cannot_be_rendered_still_lists(signed_in, leila):
    Notification.objects.create(key="legacy:1", kind="retired_kind", recipient=leila, subject="Ancien sujet")
    Notification.objects.create(key="legacy:2", kind="retired_kind", recipient=leila)

    response = signed_in.get("/api/v1/notifications")

    assert response.status_code == 200
    assert sorted(item["title"] for item in response.json()["results"]) == ["Ancien sujet", "retired_kind"]


@pytest.mark.django_db
def test_unread_filter(signed_in, leila):
    read, unread = published(leila, 1), published(leila, 2)
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())

    only_unread = signed_in.get("/api/v1/notifications", {"unread": "true"}).json()
    only_read = signed_in.get("/api/v1/notifications", {"unread": "false"}).json()
    wrong = signed_in.get("/api/v1/notifications", {"unread": "maybe"})

    assert [item["id"] for item in only_unread["results"]] == [unread.pk]
    assert [item["id"] for item in only_read["results"]] == [read.pk]
    assert wrong.status_code == 400 and "unread" in wrong.json()["errors"]


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.django_db
def test_the_list_takes_a_constant_number_of_queries(signed_in, leila, size, django_assert_max_num_queries):
    for n in range(size):
        published(leila, n)

    with django_assert_max_num_queries(2):  # the count and the page
        response = signed_in.get("/api/v1/notifications", {"page_size": 100})

    assert len(response.json()["results"]) == size


@pytest.mark.django_db
def test_marking_read_answers_the_notification_and_is_idempotent(signed_in, leila):
    notification = published(leila, 1)

    first = signed_in.post(f"/api/v1/notifications/{notification.pk}/read")
    second = signed_in.post(f"/api/v1/notifications/{notification.pk}/read")

    assert first.status_code == 200 and second.status_code == 200
    assert first.json()["id"] == notification.pk and set(first.json()) == FIELDS
    assert first.json()["read_at"] is not None
    assert second.json()["read_at"] == first.json()["read_at"]
    unread = signed_in.get("/api/v1/notifications", {"unread": "true"}).json()
    assert unread["count"] == 0


@pytest.mark.django_db
def test_someone_elses_notification_is_not_found(signed_in):
    other = published(UserFactory(), 1)

    response = signed_in.post(f"/api/v1/notifications/{other.pk}/read")
    missing = signed_in.post("/api/v1/notifications/999999/read")

    assert response.status_code == 404
    assert response.json() == missing.json()  # nothing tells that it exists
    assert response.json()["code"] == "not_found" and response.json()["detail"] and response.json()["errors"] == {}
    other.refresh_from_db()
    assert other.read_at is None


@pytest.mark.django_db
def test_read_all_marks_only_the_callers_unread_notifications(signed_in, leila):
    mine = [published(leila, 1), published(leila, 2)]
    already = published(leila, 3)
    earlier = timezone.now() - datetime.timedelta(days=1)
    Notification.objects.filter(pk=already.pk).update(read_at=earlier)
    theirs = published(UserFactory(), 4)

    response = signed_in.post("/api/v1/notifications/read-all")
    again = signed_in.post("/api/v1/notifications/read-all")

    assert response.status_code == 200 and response.json() == {"marked": 2}
    assert again.json() == {"marked": 0}
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    assert Notification.objects.get(pk=already.pk).read_at == earlier
    assert Notification.objects.get(pk=theirs.pk).read_at is None


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/notifications"),
        ("post", "/api/v1/notifications/1/read"),
        ("post", "/api/v1/notifications/read-all"),
    ],
)
@pytest.mark.django_db
def test_anonymous_callers_must_sign_in(api_client, method, path):
    notification = published(UserFactory(), 1)

    response = getattr(api_client, method)(path.replace("/1/", f"/{notification.pk}/"))

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    notification.refresh_from_db()
    assert notification.read_at is None
