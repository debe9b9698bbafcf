"""The portal's real processes in a test: the web server and the Huey consumer, an SMTP server, the database.

`Portal` starts `manage.py runserver` and `manage.py run_huey` with the command lines of `make run` — or, given a
production `Shape`, gunicorn's workers with `DEBUG=0` and several consumers, as the README's Production section
runs them — over the database of the test run: on SQLite a file of their own (the embedded default, under a
temporary `VAR_DIR`), on PostgreSQL the test database itself (the test is transactional, so they see what it
committed), with SqliteHuey or, when `REDIS_URL` is set, RedisHuey. `SmtpSink` is the mail server the consumers
send to. Nothing here waits a fixed time: every wait is on a condition, with a deadline.
"""

import asyncio
import contextlib
import email
import email.policy
import fcntl
import hashlib
import http.client
import json
import logging
import os
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from huey import RedisHuey

from portal.demo.management.commands.serve import consumer_command, web_command
from portal.notifications.models import Notification

BASE_DIR = Path(settings.BASE_DIR)

# The notifications' delivery timings in the processes, in seconds (production: 30, 600, 900): a retry, a lost
# claim or a lost task is seen again within seconds. The lease stays far longer than a send to the local server.
FAST_DELIVERY = {
    "NOTIFICATION_RETRY_DELAY": "0.5",
    "NOTIFICATION_SENDING_LEASE": "4",
    "NOTIFICATION_STALLED_AFTER": "4",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition: Callable[[], object], *, timeout: float, message: str | Callable[[], str], check=None):
    """Poll `condition` until it returns something true, and return it; fail with `message` after `timeout`.

    `check` runs at every turn (it fails the test early, e.g. when a process died).
    """
    deadline = time.monotonic() + timeout
    delay = 0.02
    while True:
        if check is not None:
            check()
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(message() if callable(message) else message, pytrace=False)
        time.sleep(delay)
        delay = min(delay * 1.5, 0.25)


# --- HTTP --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    method: str
    path: str
    status: int
    body: bytes

    def json(self):
        return json.loads(self.body)

    def __str__(self) -> str:
        return f"{self.method} {self.path} → {self.status}: {self.body[:600].decode(errors='replace')}"


class Api:
    """A small HTTP client of the portal's API: one connection per request, token authentication."""

    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port

    def request(self, method: str, path: str, *, token: str | None = None, json_body=None, form=None) -> Response:
        headers = {"Accept": "application/json", "Connection": "close"}
        if token:
            headers["Authorization"] = f"Token {token}"
        body = None
        if form is not None:
            body = encode_multipart(BOUNDARY, form)
            headers["Content-Type"] = MULTIPART_CONTENT
        elif json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        client = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            client.request(method, f"/api/v1/{path.lstrip('/')}", body=body, headers=headers)
            answer = client.getresponse()
            return Response(method, path, answer.status, answer.read())
        finally:
            client.close()

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> Response:
        return self.request("POST", path, **kwargs)


AT_ONCE = 20  # requests in flight together


def at_once(*calls: Callable[[], Response]) -> list[Response]:
    """Send the requests AT_ONCE at a time, and return their answers in order."""
    with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
        return list(pool.map(lambda call: call(), calls))


def assert_answered(responses: list[Response], status: int) -> None:
    """Every request answered `status`; the server errors first, if any, with what the server said."""
    server_errors = [str(response) for response in responses if response.status >= 500]
    assert not server_errors, f"{len(server_errors)} of {len(responses)} answered 5xx:\n" + "\n\n".join(server_errors)
    unexpected = [str(response) for response in responses if response.status != status]
    assert not unexpected, f"expected {status}:\n" + "\n\n".join(unexpected)


# --- SMTP --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mail:
    to: tuple[str, ...]
    subject: str
    body: str


class SmtpSink:
    """An SMTP server on a free local port that keeps every message it accepts.

    `hold_from(n)` makes it stop answering MAIL FROM once `n` messages were accepted: the senders that come then
    wait, before handing over their message, until `release()`. It lets a test stop a consumer in the middle of
    a batch at a moment where no message is half accepted.
    """

    def __init__(self):
        self.port = free_port()
        self._messages: list[Mail] = []
        self._lock = threading.Lock()
        self._open = threading.Event()
        self._open.set()
        self._hold_after: int | None = None
        self._held = 0
        self._controller: Controller | None = None

    # aiosmtpd handler hooks
    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if not self._open.is_set():
            with self._lock:
                self._held += 1
            try:
                while not self._open.is_set():
                    await asyncio.sleep(0.01)
            finally:
                with self._lock:
                    self._held -= 1
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        mail = Mail(tuple(envelope.rcpt_tos), " ".join(str(message["Subject"]).split()), body.get_content())
        with self._lock:
            self._messages.append(mail)
            if self._hold_after is not None and len(self._messages) >= self._hold_after:
                self._open.clear()
        return "250 Message accepted for delivery"

    # the test's side
    def start(self) -> None:
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # a line per SMTP command otherwise
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, ready_timeout=10)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[Mail]:
        with self._lock:
            return list(self._messages)

    @property
    def held(self) -> int:
        """How many senders wait at MAIL FROM."""
        with self._lock:
            return self._held

    def hold_from(self, count: int) -> None:
        with self._lock:
            self._hold_after = count
            if len(self._messages) >= count:
                self._open.clear()

    def release(self) -> None:
        with self._lock:
            self._hold_after = None
            self._open.set()


# --- The database the processes share -------------------------------------------------------------------------


class SharedDatabase:
    """Where the test's data and the processes' writes meet.

    On PostgreSQL, the test database itself: the test is transactional, so what it commits the processes see,
    and what they commit the test reads. On SQLite the test database lives in memory, in this process only: it
    is copied to a file of the processes' own (`publish`) and copied back when they have finished (`collect`).
    """

    def __init__(self, var_dir: Path):
        self.sqlite = connection.vendor == "sqlite"
        self.path = var_dir / "portal.sqlite3"  # where the embedded default puts it under VAR_DIR

    def environment(self) -> dict[str, str]:
        if self.sqlite:
            return {}
        parts = urlsplit(os.environ["DATABASE_URL"])
        return {"DATABASE_URL": urlunsplit(parts._replace(path=f"/{connection.settings_dict['NAME']}"))}

    def publish(self) -> None:
        if not self.sqlite:
            return
        connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(self.path)) as target:
            connection.connection.backup(target)
            target.execute("PRAGMA journal_mode=WAL")  # as `migrate` leaves it with the portal's settings

    def collect(self) -> None:
        if not self.sqlite:
            return
        connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(self.path, timeout=20)) as source:
            source.backup(connection.connection)

    def scalar(self, sql: str):
        """One value read now from the database the processes write to."""
        if not self.sqlite:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                return cursor.fetchone()[0]
        with contextlib.closing(sqlite3.connect(self.path, timeout=20)) as reader:
            return reader.execute(sql).fetchone()[0]

    def notifications(self, where: str = "1 = 1") -> int:
        """How many notifications the processes recorded (that match the SQL condition `where`)."""
        return self.scalar(f"select count(*) from notifications_notification where {where}")


# --- The processes ---------------------------------------------------------------------------------------------


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path
    stopping: bool = False

    def output(self, tail: int | None = 6000) -> str:
        """What the process printed: its last `tail` characters, or all of it."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return text if tail is None else text[-tail:]


@dataclass(frozen=True)
class Shape:
    """How many processes serve the portal.

    `web_workers`: gunicorn's workers, with the production settings (`DEBUG=0`, static files collected and served
    by whitenoise); 0 is the development server of `make run`. `consumers`: `run_huey` processes.
    """

    web_workers: int = 0
    consumers: int = 1


MAKE_RUN = Shape()

# What the production shape collects of the static files: the public site's. The Wagtail admin's, Django admin's
# and the API documentation's assets (40 MB) are left out: compressing them would take most of a test's time, and
# no page of the public site or the workspaces loads them.
ADMIN_ASSETS = ["admin", "wagtail*", "rest_framework", "drf_spectacular_sidecar", "guardian"]


def gunicorn_command(host: str, port: int, workers: int) -> list[str]:
    """gunicorn as the README's Production section starts it, its access log naming the worker of each request.

    The worker timeout is longer than gunicorn's 30 s: a machine shared with other work may pause a worker that
    long, and a killed worker would fail the test for the machine's sake, not the portal's.
    """
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "portal.wsgi",
        "-w",
        str(workers),
        "-b",
        f"{host}:{port}",
        "--timeout",
        "90",
        "--access-logfile",
        "-",
        "--access-logformat",
        "worker=%(p)s %(m)s %(U)s %(s)s",
    ]


def production_environment(var_dir: Path) -> dict[str, str]:
    """The variables of a production deployment on the loopback: no TLS in front of it, so no HTTPS redirect."""
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(var_dir / "static"),
    }


def collect_static(static_root: Path) -> None:
    """`collectstatic` into `static_root` with the production storage (hashed names and a manifest, compressed
    copies), in this process: the settings of the test run are DEBUG ones, the storage is the production one."""
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STORAGES=storages, STATIC_ROOT=static_root):
        call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=ADMIN_ASSETS)


class Portal:
    """The web server and the task consumers of one test, as `make run` starts them, or in a production `shape`.

    `environment`: more variables for the processes (the test's shortened delivery timings).
    """

    def __init__(
        self, var_dir: Path, sink: SmtpSink, database: SharedDatabase, *, shape: Shape = MAKE_RUN, **environment: str
    ):
        self.var_dir = var_dir
        self.database = database
        self.shape = shape
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.api = Api(self.base_url)
        self.processes: list[Process] = []
        self.consumers: list[Process] = []
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "HUEY_IMMEDIATE", "MEDIA_ROOT", "PRIVATE_ROOT", "EMAIL_URL"}
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "portal.settings",
                "PYTHONUNBUFFERED": "1",
                "VAR_DIR": str(var_dir),
                "EMAIL_URL": sink.url,
                "SITE_URL": self.base_url,
                "HUEY_WORKERS": "2",
                **database.environment(),
                **(production_environment(var_dir) if shape.web_workers else {}),
                **environment,
            }
        )
        self.env = env
        self.queue = RedisQueue(env["REDIS_URL"]) if env.get("REDIS_URL") else None

    @property
    def workers(self) -> int:
        return int(self.env["HUEY_WORKERS"])

    def _spawn(self, name: str, command: list[str]) -> Process:
        log = self.var_dir / f"{name}-{len(self.processes)}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(
                command, cwd=BASE_DIR, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def check_alive(self) -> None:
        """Fail the test, with its output, when a process died without being told to."""
        for process in self.processes:
            if not process.stopping and process.popen.poll() is not None:
                pytest.fail(
                    f"The {process.name} died (exit code {process.popen.returncode}):\n{process.output()}",
                    pytrace=False,
                )

    def start(self) -> None:
        if self.queue is not None:
            self.queue.acquire()
        self.database.publish()
        if self.shape.web_workers:
            collect_static(Path(self.env["STATIC_ROOT"]))
            self.web = self._spawn("web server", gunicorn_command("127.0.0.1", self.port, self.shape.web_workers))
        else:
            self.web = self._spawn("web server", web_command("127.0.0.1", self.port))
        # Every consumer is spawned before any is waited for: they start side by side, as the web server does.
        starting = [self._spawn("task consumer", consumer_command()) for _ in range(self.shape.consumers)]
        for consumer in starting:
            self._wait_started(consumer)
        self.consumers = starting
        self.consumer = starting[-1]
        wait_until(
            self._healthy,
            timeout=90,
            message=lambda: f"The web server did not answer /healthz:\n{self.web.output()}",
            check=self.check_alive,
        )

    def _healthy(self) -> bool:
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            client.request("GET", "/healthz")
            return client.getresponse().status == 200
        except OSError:
            return False
        finally:
            client.close()

    def start_consumer(self) -> Process:
        """One more consumer; `consumer` is the latest started."""
        self.consumer = self._wait_started(self._spawn("task consumer", consumer_command()))
        self.consumers.append(self.consumer)
        return self.consumer

    def _wait_started(self, consumer: Process) -> Process:
        wait_until(
            # The whole output: a consumer that finds work waiting prints past its start line within a moment.
            lambda: "consumer started" in consumer.output(tail=None).lower(),
            timeout=90,
            message=lambda: f"The task consumer did not start:\n{consumer.output()}",
            check=self.check_alive,
        )
        return consumer

    def get(self, path: str) -> Response:
        """A page as a browser asks for it: any path of the site, not only the API's."""
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            client.request("GET", path, headers={"Accept": "text/html", "Connection": "close"})
            answer = client.getresponse()
            return Response("GET", path, answer.status, answer.read())
        finally:
            client.close()

    def web_workers_that_answered(self) -> set[str]:
        """The gunicorn workers (their process ids) that answered at least one request, from the access log."""
        return set(re.findall(r"^worker=<(\d+)>", self.web.output(tail=None), flags=re.MULTILINE))

    def kill_consumer(self) -> None:
        """SIGKILL: the consumer dies at once, whatever it was doing."""
        self.consumer.stopping = True
        self.consumer.popen.send_signal(signal.SIGKILL)
        self.consumer.popen.wait(timeout=30)

    def stop_consumer(self) -> None:
        """SIGINT, as Ctrl-C: the consumer finishes the tasks in hand and stops."""
        self._interrupt(self.consumer)
        self._wait_stopped(self.consumer)

    def stop_consumers(self) -> None:
        """SIGINT to every running consumer at once; each finishes the tasks in hand and stops."""
        running = [consumer for consumer in self.consumers if not consumer.stopping]
        for consumer in running:
            self._interrupt(consumer)
        for consumer in running:
            self._wait_stopped(consumer)

    def _interrupt(self, consumer: Process) -> None:
        consumer.stopping = True
        consumer.popen.send_signal(signal.SIGINT)

    def _wait_stopped(self, consumer: Process) -> None:
        try:
            consumer.popen.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail(f"The task consumer did not stop on SIGINT:\n{consumer.output()}", pytrace=False)

    def manage(self, *args: str, timeout: float = 120) -> str:
        """Run a management command with the processes' settings; its output, or the test fails with it."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            pytest.fail(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}", pytrace=False)
        return done.stdout

    def close(self) -> None:
        """Stop every process (the test is over, or failed), and free the queue."""
        try:
            for process in self.processes:
                process.stopping = True
                if process.popen.poll() is None:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.popen.pid, signal.SIGKILL)
                process.popen.wait(timeout=30)
        finally:
            if self.queue is not None:
                self.queue.release()

    def logs(self) -> str:
        return "\n".join(f"--- {process.name} ---\n{process.output()}" for process in self.processes)


class RedisQueue:
    """The Redis queue the consumers of a test use, theirs alone while the test runs.

    The consumers of every test use the portal's queue name in the Redis database of `REDIS_URL`: tests that run
    at the same time (pytest-xdist workers) take turns on it, through a lock file, and each starts and ends with
    the queue empty, so that no task of one reaches the database of another.
    """

    def __init__(self, url: str):
        self.huey = RedisHuey(settings.HUEY["name"], url=url)
        digest = hashlib.sha256(f"{url}|{settings.HUEY['name']}".encode()).hexdigest()[:16]
        self.lock_path = Path(tempfile.gettempdir()) / f"portal-runtime-queue-{digest}.lock"
        self._lock_file = None

    def acquire(self) -> None:
        self._lock_file = self.lock_path.open("w")
        fcntl.flock(self._lock_file, fcntl.LOCK_EX)
        self.huey.flush()

    def release(self) -> None:
        if self._lock_file is None:
            return
        try:
            self.huey.flush()
        finally:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None


def assert_every_notification_received_once(portal: Portal, sink: SmtpSink) -> None:
    """Once the processes are done: every notification is recorded as sent, and the mail server holds exactly one
    e-mail per notification (its recipient and its subject): none lost, none twice."""
    portal.database.collect()
    assert not Notification.objects.filter(sent_at__isnull=True).exists()
    expected = Counter(
        ((email,), subject) for email, subject in Notification.objects.values_list("recipient__email", "subject")
    )
    assert Counter((mail.to, mail.subject) for mail in sink.messages) == expected
