"""Notifications at volume: N e-mails through Huey on Redis, several consumers, a local SMTP server.

What the portal does at a campaign's end (`workflows/campaigns.py`): `notify_many` records one notification per
company administrator, a transaction per batch, and each commit enqueues the deliveries on Redis; the consumers
(`manage.py run_huey`, each with `HUEY_WORKERS` threads) claim each notification and send its e-mail. Here `--count`
people (`bench-recipient-<n>@bench.example`, created once) are told of a campaign's end, `--batch` per transaction,
while `--consumers` consumers already run. The script times how long until the mail server holds every e-mail,
and counts them by recipient (each has one notification, so a recipient seen twice is an e-mail sent twice) and by
Message-ID. The target: 10,000 e-mails delivered within 60 s of the first notification recorded.

The database is PostgreSQL, prepared once (migrated; the recipients are added on the first run) and reused; the
queue is the Redis database of `--redis-url`, flushed at the start. Each run deletes the previous run's
notifications. A line per run is added to `bench/results/<date>-notifications.csv`.

    python bench/notifications.py                                  # 10,000 e-mails, 2 consumers
    python bench/notifications.py --count 500 --consumers 1 --threads 4
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from database import ROOT, environment, prepare, require_postgresql, setup_django
from smtp_sink import SmtpSink

DEFAULT_URL = os.environ.get("BENCH_NOTIFICATIONS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_n")
DEFAULT_REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
TARGET_COUNT, TARGET_SECONDS = 10_000, 60
KEY = "bench-volume"
RESULTS = ROOT / "bench" / "results"


def ensure_recipients(count: int) -> list:
    """`count` active users to notify, created in bulk the first time."""
    from django.contrib.auth.hashers import make_password

    from portal.accounts.models import User

    emails = [f"bench-recipient-{n}@bench.example" for n in range(count)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    missing = [email for email in emails if email not in existing]
    if missing:
        print(f"adding {len(missing)} recipients")
        password = make_password(None)
        User.objects.bulk_create(
            [
                User(email=email, first_name="Camille", last_name=email.split("@")[0], password=password)
                for email in missing
            ],
            batch_size=1000,
        )
    return list(User.objects.filter(email__in=emails).order_by("pk"))


def start_consumers(count: int, env: dict, log_dir: Path) -> list[subprocess.Popen]:
    """`count` consumers, as production starts them; returns once each says it started."""
    log_dir.mkdir(parents=True, exist_ok=True)
    consumers, logs = [], []
    for n in range(count):
        log = log_dir / f"consumer-{n}.log"
        with log.open("wb") as out:
            consumers.append(
                subprocess.Popen(
                    [sys.executable, "manage.py", "run_huey"],
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        logs.append(log)
    deadline = time.monotonic() + 120
    for consumer, log in zip(consumers, logs, strict=True):
        while "consumer started" not in log.read_text(errors="replace").lower():
            if consumer.poll() is not None or time.monotonic() > deadline:
                stop(consumers)
                sys.exit(f"a consumer did not start:\n{log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.1)
    return consumers


def cpu_seconds(process: subprocess.Popen) -> float:
    """The CPU time a running process has used so far (user and system, all its threads), from /proc."""
    fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop(consumers: list[subprocess.Popen]) -> None:
    """SIGINT, as Ctrl-C: each consumer finishes its tasks in hand and stops."""
    for consumer in consumers:
        if consumer.poll() is None:
            os.killpg(consumer.pid, signal.SIGINT)
    for consumer in consumers:
        try:
            consumer.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(consumer.pid, signal.SIGKILL)
            consumer.wait()


def record(recipients: list, batch: int, run: str) -> tuple[float, float]:
    """Notify every recipient of a campaign's end through the portal's service, `batch` per transaction.

    Returns the times (monotonic) of the first and the last commit: each commit enqueues its deliveries.
    """
    from django.db import transaction

    from portal.notifications.services import notify_many

    first = None
    ends_on = (datetime.date.today() + datetime.timedelta(days=14)).isoformat()
    for start in range(0, len(recipients), batch):
        with transaction.atomic():
            notify_many(
                "campaign_ending",
                recipients[start : start + batch],
                key=f"{KEY}:{run}:{start}",
                campaign=f"Campagne {run}",
                ends_on=ends_on,
                offer_count=3,
                workspace_url="http://127.0.0.1:8000/espace/",
            )
        first = first or time.monotonic()
    return first, time.monotonic()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000, help="e-mails (default 10,000)")
    parser.add_argument("--consumers", type=int, default=2, help="run_huey processes (default 2)")
    parser.add_argument("--threads", type=int, default=2, help="HUEY_WORKERS, threads per consumer (default 2)")
    parser.add_argument("--batch", type=int, default=500, help="notifications recorded per transaction (default 500)")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=60,
        help="CONN_MAX_AGE of the consumers: 60, the setting's default on PostgreSQL; 0 opens a connection per task",
    )
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"a PostgreSQL database (default {DEFAULT_URL})")
    parser.add_argument(
        "--redis-url", default=DEFAULT_REDIS, help=f"the queue, flushed first (default {DEFAULT_REDIS})"
    )
    parser.add_argument("--timeout", type=float, default=600, help="give up after this many seconds (default 600)")
    args = parser.parse_args()
    require_postgresql(parser, args.database_url)

    prepare(args.database_url, None)
    env = environment(args.database_url, REDIS_URL=args.redis_url, HUEY_IMMEDIATE="0")
    setup_django(env)
    from huey.contrib.djhuey import HUEY

    from portal.notifications.models import Notification

    recipients = ensure_recipients(args.count)
    Notification.objects.filter(key__startswith=f"{KEY}:").delete()
    HUEY.flush()
    run = datetime.datetime.now().strftime("%Y%m%d%H%M%S")
    expected = {user.email.lower() for user in recipients}

    with SmtpSink() as sink:
        consumer_env = {
            **env,
            "EMAIL_URL": sink.url,
            "HUEY_WORKERS": str(args.threads),
            "CONN_MAX_AGE": str(args.conn_max_age),
            # As in production: DEBUG off (no SQL kept in memory, no debug cursor).
            "DEBUG": "0",
            "SECRET_KEY": env.get("SECRET_KEY") or secrets.token_urlsafe(50),
        }
        consumers = start_consumers(args.consumers, consumer_env, Path(env["VAR_DIR"]) / "notifications-bench")
        try:
            print(
                f"{args.count} e-mails, {args.consumers} consumers × {args.threads} threads, "
                f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
            )
            started, own_cpu = time.monotonic(), time.process_time()
            first_commit, last_commit = record(recipients, args.batch, run)
            print(
                f"recorded in {last_commit - started:.1f} s, the first batch committed after "
                f"{first_commit - started:.1f} s ({sink.received} delivered meanwhile)"
            )
            mine = Notification.objects.filter(key__startswith=f"{KEY}:{run}:")
            deadline = time.monotonic() + args.timeout
            shown = time.monotonic()
            while len(sink.recipients) < args.count or mine.filter(sent_at__isnull=True).exists():
                if time.monotonic() > deadline:
                    print(f"gave up after {args.timeout:.0f} s")
                    break
                if any(consumer.poll() is not None for consumer in consumers):
                    print("a consumer died")
                    break
                if time.monotonic() - shown > 10:
                    shown = time.monotonic()
                    print(f"  {sink.received} received after {shown - started:.0f} s")
                time.sleep(0.2)
            # What is left in the queue would be a second send: let it arrive before counting.
            while HUEY.pending_count() and time.monotonic() < deadline:
                time.sleep(0.2)
            consumers_cpu = sum(cpu_seconds(consumer) for consumer in consumers)
            own_cpu = time.process_time() - own_cpu
        finally:
            stop(consumers)
        received = sink.received
        last = sink.last_at or time.monotonic()
        twice = sum(count - 1 for count in sink.recipients.values() if count > 1)
        missing = len(expected - set(sink.recipients))
        duplicate_ids = sum(count - 1 for count in sink.message_ids.values() if count > 1)

    total = last - started
    after_commit = last - last_commit
    sent = mine.filter(sent_at__isnull=False).count()
    retried = mine.filter(attempts__gt=1).count()
    rate = received / total
    if args.count == TARGET_COUNT:
        verdict = "met" if not missing and total <= TARGET_SECONDS else "missed"
    else:
        verdict = f"at this rate {TARGET_COUNT} would take {TARGET_COUNT / rate:.0f} s"
    print(
        f"{received} e-mails received for {args.count} notifications ({sent} recorded as sent): "
        f"{missing} missing, {twice} twice, {duplicate_ids} Message-IDs twice, {retried} retried"
    )
    print(
        f"all delivered {total:.1f} s after the first notification was recorded "
        f"({after_commit:.1f} s after the last commit; {rate:.0f} e-mails/s); "
        f"target {TARGET_COUNT} in {TARGET_SECONDS} s: {verdict}"
    )
    # CPU time does not depend on how many others share the machine, unlike the times above.
    per_email = consumers_cpu / max(received, 1) * 1000
    print(
        f"the consumers used {consumers_cpu:.1f} s of CPU: {per_email:.1f} ms per e-mail, "
        f"about {1000 / per_email * args.consumers:.0f} e-mails/s if each had a CPU of its own"
    )
    print(
        f"this script (the recording, the SMTP server, the polling) used {own_cpu:.1f} s of CPU: "
        f"{own_cpu / max(received, 1) * 1000:.1f} ms per e-mail"
    )

    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{datetime.date.today().isoformat()}-notifications.csv"
    new = not path.exists()
    with path.open("a", newline="") as out:
        writer = csv.writer(out)
        if new:
            writer.writerow(
                ["count", "consumers", "threads", "conn_max_age", "recorded_s", "delivered_s", "per_second"]
                + ["missing", "twice", "consumer_cpu_ms_per_email", "load_average", "cpus"]
            )
        writer.writerow(
            [args.count, args.consumers, args.threads, args.conn_max_age, f"{last_commit - started:.1f}"]
            + [f"{total:.1f}", f"{rate:.0f}", missing, twice, f"{per_email:.1f}", f"{os.getloadavg()[0]:.1f}"]
            + [os.cpu_count()]
        )
    print(f"written to {path.relative_to(ROOT)}")
    return 1 if missing or twice or duplicate_ids else 0


if __name__ == "__main__":
    sys.exit(main())
