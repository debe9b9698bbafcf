"""`/healthz`: is the database reachable, is the task queue reachable?"""

import sqlite3

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1
    except Exception:  # any driver error means "not reachable"
        return False


def queue_reachable() -> bool:
    """Reach the configured queue itself (Redis or the SQLite file), whatever mode Huey runs in."""
    try:
        if settings.REDIS_URL:
            import redis

            return bool(redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping())
        with sqlite3.connect(settings.HUEY["filename"], timeout=2) as db:
            return db.execute("SELECT 1").fetchone()[0] == 1
    except Exception:  # any client error means "not reachable"
        return False


@never_cache
def healthz(request):
    checks = {"database": database_reachable(), "queue": queue_reachable()}
    healthy = all(checks.values())
    return JsonResponse({"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503)
