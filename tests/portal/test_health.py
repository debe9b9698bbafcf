import pytest


@pytest.mark.django_db
def test_healthz_reports_database_and_queue_reachable(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "queue": True}


@pytest.mark.django_db
def test_healthz_reports_an_unreachable_queue(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["queue"] is False
