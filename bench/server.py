"""The portal served for the benchmarks as in production: gunicorn's workers, `DEBUG=0`, whitenoise's static files.

The web server runs with `bench.settings` (the portal's settings, plus `/bench/floor` and the `X-Bench-Queries`
header) on a database prepared by `database.prepare`. `Visitors` holds who the HTTP clients are: the demo's company
administrator and student, with API tokens and a signed-in session.
"""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from database import ROOT, manage
from smtp_sink import free_port


def production_environment(env: dict, redis_url: str | None) -> dict:
    """`env`, with the production settings on the loopback (no TLS in front: no HTTPS redirect)."""
    production = {
        **env,
        "DEBUG": "0",
        "SECRET_KEY": env.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(Path(env["VAR_DIR"]) / "static"),
        "LOG_LEVEL": "WARNING",
    }
    if redis_url:
        production["REDIS_URL"] = redis_url  # the cache (and the queue the writes enqueue to), as in production
    return production


def collect_static(env: dict) -> None:
    """The static files with the production storage (hashed names, compressed copies), collected once."""
    if not (Path(env["STATIC_ROOT"]) / "staticfiles.json").exists():
        print("collecting the static files")
        manage(env, "collectstatic", "--noinput", "-v0")


@dataclass
class Visitors:
    company_id: int
    admin_token: str
    student_token: str
    admin_session: str
    session_cookie: str


def visitors() -> Visitors:
    """The demo's company administrator and student: their API tokens, and a signed-in session of the
    administrator for the workspace's web pages. Django must be set up with the web server's SECRET_KEY."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from rest_framework.authtoken.models import Token

    from portal.accounts.models import Membership, User
    from portal.demo.builder import COMPANY_ADMIN_EMAIL, STUDENT_EMAIL

    admin = User.objects.get(email=COMPANY_ADMIN_EMAIL)
    student = User.objects.get(email=STUDENT_EMAIL)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(admin.pk)
    session[BACKEND_SESSION_KEY] = "portal.accounts.backends.ModelBackend"
    session[HASH_SESSION_KEY] = admin.get_session_auth_hash()
    session.create()
    return Visitors(
        company_id=Membership.objects.filter(user=admin, role=Membership.Role.ADMIN).values_list(
            "organisation_id", flat=True
        )[0],
        admin_token=Token.objects.get_or_create(user=admin)[0].key,
        student_token=Token.objects.get_or_create(user=student)[0].key,
        admin_session=session.session_key,
        session_cookie=settings.SESSION_COOKIE_NAME,
    )


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    queries: int | None
    seconds: float


def fetch(port: int, path: str, headers: dict | None = None, method: str = "GET", body: bytes | None = None) -> Answer:
    """One request on a new connection (gunicorn's sync workers close each one), timed to its last byte."""
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    try:
        client.request(method, path, body=body, headers={"Connection": "close", **(headers or {})})
        response = client.getresponse()
        content = response.read()
        seconds = time.perf_counter() - started
        queries = response.getheader("X-Bench-Queries")
        return Answer(response.status, content, int(queries) if queries else None, seconds)
    finally:
        client.close()


class WebServer:
    """gunicorn with `workers` workers on a free port, with `bench.settings`; a context manager."""

    def __init__(self, env: dict, workers: int):
        self.port = free_port()
        self.env = {**env, "DJANGO_SETTINGS_MODULE": "bench.settings", "PYTHONPATH": str(ROOT)}
        self.workers = workers
        self.log = Path(env["VAR_DIR"]) / "bench-gunicorn.log"

    def __enter__(self) -> WebServer:
        command = [sys.executable, "-m", "gunicorn", "portal.wsgi", "-w", str(self.workers)]
        command += ["-b", f"127.0.0.1:{self.port}", "--timeout", "120"]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + 180
        while True:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                sys.exit(f"gunicorn did not start:\n{self.log.read_text(errors='replace')[-3000:]}")
            try:
                if fetch(self.port, "/bench/floor").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def errors(self) -> str:
        """What the workers logged as errors (tracebacks)."""
        text = self.log.read_text(errors="replace")
        return text[text.find("Traceback") :][:3000] if "Traceback" in text else ""
