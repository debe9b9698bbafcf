"""Throughput under load: many clients at once on the loopback, searching, reading offers and applying.

The portal is served as in production (gunicorn, `--workers`, `DEBUG=0`, see server.py) on a database prepared once
(database.py). `--clients` clients (asyncio, each with its own connections: no more requests in flight than
clients) send `--requests` requests in all, in a fixed shuffled order:

- search (40 %): `GET /api/v1/offers` with words, filters or none, anonymous;
- offer page (40 %): the public page (HTML) of a live offer open to all, anonymous;
- apply (20 %): `POST /api/v1/applications` by a demo student (API token) to an untargeted live offer they have not
  applied to, with a CV and a letter (multipart).

It reports requests per second, and per kind the count, the errors (an answer other than 200 / 201, or none) and the
median and p95 times; 0 errors are expected. The applications it created are deleted afterwards (their rows, files
and notifications), and the queue their e-mails went to is flushed, so that the prepared database stays as it was.
A line per run is added to `bench/results/<date>-<size>-load.csv`.

    python bench/load.py                          # 500 requests, 50 clients, 4 workers, --size 1 on bench_s
    python bench/load.py --requests 5 --clients 5
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime
import json
import os
import random
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass

from database import ROOT, percentile, prepare, require_postgresql, setup_django
from server import WebServer, collect_static, fetch, production_environment

DEFAULT_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_s")
DEFAULT_REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
RESULTS = ROOT / "bench" / "results"
SEARCHES = [
    "",
    "?q=assistant",
    "?q=developpeur",
    "?sector=62",
    "?sector=62&country=BE",
    "?level=bachelor&ordering=newest",
    "?q=qualite&country=BE",
]
TIMEOUT = 120


@dataclass(frozen=True)
class Call:
    kind: str
    method: str
    path: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    expected: int = 200


@dataclass(frozen=True)
class Outcome:
    kind: str
    status: int | None  # None: no answer (refused, reset, timed out)
    seconds: float
    body: bytes


def plan(total: int, rng: random.Random) -> list[Call]:
    """The requests, 40 % searches, 40 % offer pages, 20 % applications, shuffled."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
    from rest_framework.authtoken.models import Token

    from cms_pages.models import OfferPage
    from portal.access.offers import untargeted_q
    from portal.accounts.models import Student
    from portal.demo.documents import pdf_bytes
    from portal.recruitment.models import Application
    from portal.reference.choices import OfferStatus

    applying = total // 5
    reading = (total - applying) // 2
    searching = total - applying - reading
    # Untargeted offers: a targeted one is a 404 for the anonymous visitors and the students it does not admit.
    open_to_all = list(
        OfferPage.objects.live()
        .filter(untargeted_q(), status=OfferStatus.PUBLISHED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    # The pages read: offers drawn at random, their addresses built for those only (50,000 offers at dataset L).
    read = {offer.pk: offer for offer in OfferPage.objects.filter(pk__in=rng.sample(open_to_all, min(reading, 200)))}
    pages = [read[pk].get_url() for pk in sorted(read)]
    # One application per student at most in a run (a student applying to two offers at once is not the load here),
    # each to an offer drawn among those the student has not applied to: students drawn at random.
    students = list(Student.objects.filter(user__is_active=True).select_related("user").order_by("pk"))
    chosen = []
    for student in rng.sample(students, len(students)):
        applied = set(
            Application.objects.filter(student=student.user, offer__isnull=False).values_list("offer_id", flat=True)
        )
        left = [
            offer for offer in rng.sample(open_to_all, min(len(open_to_all), len(applied) + 1)) if offer not in applied
        ]
        if left:
            chosen.append((student.user, left[0]))
        if len(chosen) == applying:
            break
    if len(chosen) < applying:
        raise SystemExit(f"only {len(chosen)} students can apply; a larger --size (or fewer --requests) is needed")
    calls = [Call("search", "GET", f"/api/v1/offers{rng.choice(SEARCHES)}") for _ in range(searching)]
    calls += [Call("offer page", "GET", rng.choice(pages), (("Accept", "text/html"),)) for _ in range(reading)]
    for n, (user, offer) in enumerate(chosen):
        token = Token.objects.get_or_create(user=user)[0].key
        body = encode_multipart(
            BOUNDARY,
            {
                "offer": str(offer),
                "message": f"Candidature de charge {n}",
                "cv": SimpleUploadedFile(f"cv-{n}.pdf", pdf_bytes(f"CV {n}"), "application/pdf"),
                "motivation_letter": SimpleUploadedFile(f"lettre-{n}.pdf", pdf_bytes(f"Lettre {n}"), "application/pdf"),
            },
        )
        headers = (("Authorization", f"Token {token}"), ("Content-Type", MULTIPART_CONTENT))
        calls.append(Call("apply", "POST", "/api/v1/applications", headers, body, 201))
    rng.shuffle(calls)
    return calls


async def send(port: int, call: Call) -> Outcome:
    """One HTTP/1.1 request on its own connection, read to the end (the server closes it)."""
    started = time.perf_counter()
    headers = {"Host": "127.0.0.1", "Connection": "close", "Accept": "application/json", **dict(call.headers)}
    head = [f"{call.method} {call.path} HTTP/1.1", *(f"{name}: {value}" for name, value in headers.items())]
    if call.method == "POST":
        head.append(f"Content-Length: {len(call.body)}")
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), TIMEOUT)
        try:
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + call.body)
            await writer.drain()
            answer = await asyncio.wait_for(reader.read(), TIMEOUT)
        finally:
            writer.close()
    except (OSError, TimeoutError):
        return Outcome(call.kind, None, time.perf_counter() - started, b"")
    status_line, _, rest = answer.partition(b"\r\n")
    parts = status_line.split(b" ", 2)
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
    return Outcome(call.kind, status, time.perf_counter() - started, rest.partition(b"\r\n\r\n")[2])


async def drive(port: int, calls: list[Call], clients: int) -> tuple[list[Outcome], float]:
    """`clients` clients take the calls in order, each sending its next one when its answer came."""
    pending = iter(calls)
    outcomes: list[Outcome] = []

    async def client() -> None:
        for call in pending:
            outcomes.append(await send(port, call))

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return outcomes, time.perf_counter() - started


def created_applications(outcomes: list[Outcome]) -> list[int]:
    ids = []
    for outcome in outcomes:
        if outcome.kind == "apply" and outcome.status == 201:
            ids.append(json.loads(outcome.body)["id"])
    return ids


def clean_up(application_ids: list[int]) -> None:
    """Delete what the run wrote: its applications, their files and their notifications; flush the queue."""
    from django.core.files.storage import storages
    from django.db import transaction
    from huey.contrib.djhuey import HUEY

    from portal.notifications.models import Notification
    from portal.recruitment.models import Application, ApplicationDocument

    private = storages["private"]
    with transaction.atomic():
        for name in ApplicationDocument.objects.filter(application_id__in=application_ids).values_list(
            "file", flat=True
        ):
            private.delete(name)
        for application_id in application_ids:
            Notification.objects.filter(key__startswith=f"application_received:{application_id}:").delete()
        Application.objects.filter(pk__in=application_ids).delete()
    HUEY.flush()


def report(outcomes: list[Outcome], elapsed: float, args, load: tuple[float, float]) -> int:
    kinds = defaultdict(list)
    for outcome in outcomes:
        kinds[outcome.kind].append(outcome)
    expected = {"search": 200, "offer page": 200, "apply": 201}
    errors = [outcome for outcome in outcomes if outcome.status != expected[outcome.kind]]
    print(
        f"\n{len(outcomes)} requests by {args.clients} clients in {elapsed:.1f} s: {len(outcomes) / elapsed:.1f} "
        f"requests/s, {len(errors)} errors; gunicorn -w {args.workers} (DEBUG=0), seed_demo --size {args.size}; "
        f"load average {load[0]:.1f} before, {load[1]:.1f} after, on {os.cpu_count()} CPUs (shared: indicative)"
    )
    print(f"{'kind':<12} {'requests':>8} {'errors':>6} {'median ms':>9} {'p95 ms':>8}")
    rows = []
    for kind, done in kinds.items():
        seconds = [outcome.seconds for outcome in done]
        failed = sum(1 for outcome in done if outcome.status != expected[kind])
        median, p95 = statistics.median(seconds) * 1000, percentile(seconds, 0.95) * 1000
        print(f"{kind:<12} {len(done):8} {failed:6} {median:9.1f} {p95:8.1f}")
        rows.append([kind, len(done), failed, f"{median:.1f}", f"{p95:.1f}"])
    for outcome in errors[:5]:
        print(f"  {outcome.kind}: {outcome.status} {outcome.body[:300]!r}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{datetime.date.today().isoformat()}-{args.size}-load.csv"
    new = not path.exists()
    with path.open("a", newline="") as out:
        writer = csv.writer(out)
        if new:
            writer.writerow(
                ["kind", "requests", "errors", "median_ms", "p95_ms", "requests_per_second", "clients", "workers"]
                + ["load_average", "cpus"]
            )
        per_second = f"{len(outcomes) / elapsed:.1f}"
        for row in [["all", len(outcomes), len(errors), "", ""], *rows]:
            writer.writerow([*row, per_second, args.clients, args.workers, f"{max(load):.1f}", os.cpu_count()])
    print(f"written to {path.relative_to(ROOT)}")
    return 1 if errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1, help="seed_demo --size of the database (default 1)")
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"a PostgreSQL database (default {DEFAULT_URL})")
    parser.add_argument(
        "--redis-url", default=DEFAULT_REDIS, help=f"the cache and queue ('' for none; default {DEFAULT_REDIS})"
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--clients", type=int, default=50, help="clients at once (default 50)")
    parser.add_argument("--requests", type=int, default=500, help="requests in all (default 500)")
    parser.add_argument("--seed", type=int, default=2026, help="the order of the requests (default 2026)")
    args = parser.parse_args()
    require_postgresql(parser, args.database_url)

    env = production_environment(prepare(args.database_url, args.size), args.redis_url)
    collect_static(env)
    setup_django(env)
    calls = plan(args.requests, random.Random(args.seed))
    with WebServer(env, args.workers) as server:
        # Each worker's first requests load what it keeps for the next ones (templates, the site's root, URLs).
        for call in [call for call in calls if call.method == "GET"][: 4 * args.workers]:
            fetch(server.port, call.path, dict(call.headers))
        before = os.getloadavg()[0]
        outcomes, elapsed = asyncio.run(drive(server.port, calls, args.clients))
        after = os.getloadavg()[0]
        if server.errors():
            print(server.errors())
    try:
        return report(outcomes, elapsed, args, (before, after))
    finally:
        clean_up(created_applications(outcomes))


if __name__ == "__main__":
    raise SystemExit(main())
