"""The portal's read endpoints side by side, served as in production, against a floor and Wagtail's own API.

A PostgreSQL database is prepared once (`seed_demo --size N`, see database.py) and served by gunicorn (`--workers`,
`DEBUG=0`, whitenoise) with `bench.settings`. One client times each request to its last byte, the measures
interleaved round after round (each round in a rotated order) so that a slower moment of the machine falls on all
of them alike:

- the floor: `/bench/floor`, a fixed JSON answer through the portal's middleware, no query;
- Wagtail API v2's listing of live offers with the fields of our search's results;
- ours: `GET /api/v1/offers` (results and facets), with `q=assistant`, with filters, each as the public repeats it
  (kept: `cms_pages.search_cache`) and as a search never made before (`, new`); the same by the demo's student (whose
  programme's students share what they find), and their search with words never made before; the `/offres/` page; a
  company workspace tab (the demo's company administrator, signed in); a student's applications
  (`GET /api/v1/applications`, the demo's student); the CV-book search (`GET /api/v1/cvbook`, the administrator).

For each: the median and p95 times, the SQL statements per request (the `X-Bench-Queries` header), and the ratios of
the median to Wagtail v2's and to the floor's. The table is printed and written to `bench/results/<date>-<size>.csv`.

    python bench/endpoints.py                                     # --size 1 on bench_s, 30 rounds
    python bench/endpoints.py --size 250 --database-url postgres://postgres@127.0.0.1:5432/bench_l
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import random
import statistics
import sys
from dataclasses import dataclass, field

from database import ROOT, percentile, prepare, require_postgresql, setup_django, top_up_company_offers
from server import WebServer, collect_static, fetch, production_environment, visitors

DEFAULT_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_s")
DEFAULT_REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
RESULTS = ROOT / "bench" / "results"
# The first of the dates of the searches never made before: another one at each run (the cache outlives a run).
FIRST_DATE = datetime.date(2090, 1, 1) + datetime.timedelta(days=random.randrange(40_000))
# The fields of our search's results, as Wagtail's page API names them.
WAGTAIL_FIELDS = (
    "company,internship_type,study_level,duration_weeks,start_date,end_date,city,country_code,sector_code,"
    "keyword_list,remuneration,places,status,number"
)


@dataclass
class Measure:
    name: str
    path: str
    headers: dict = field(default_factory=dict)
    # A search never made before at each request: the path gets a date criterion that every offer meets, a new one
    # each time, so that nothing kept answers it (`cms_pages.search_cache`).
    first_time: bool = False
    seconds: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    made: int = 0

    def next_path(self) -> str:
        if not self.first_time:
            return self.path
        self.made += 1
        date = FIRST_DATE + datetime.timedelta(days=self.made)
        return f"{self.path}{'&' if '?' in self.path else '?'}start_before={date.isoformat()}"

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def p95_ms(self) -> float:
        return percentile(self.seconds, 0.95) * 1000

    @property
    def queries_label(self) -> str:
        if not self.queries:
            return "?"
        low, high = min(self.queries), max(self.queries)
        return str(low) if low == high else f"{low}-{high}"


def measures(who) -> list[Measure]:
    admin = {"Authorization": f"Token {who.admin_token}", "Accept": "application/json"}
    student = {"Authorization": f"Token {who.student_token}", "Accept": "application/json"}
    json = {"Accept": "application/json"}
    signed_in = {"Cookie": f"{who.session_cookie}={who.admin_session}", "Accept": "text/html"}
    return [
        Measure("floor (fixed JSON)", "/bench/floor", json),
        Measure(
            "Wagtail API v2 offers", f"/api/v2/pages/?type=cms_pages.OfferPage&fields={WAGTAIL_FIELDS}&limit=20", json
        ),
        Measure("offers + facets", "/api/v1/offers", json),
        Measure("offers q=assistant", "/api/v1/offers?q=assistant", json),
        Measure("offers filtered", "/api/v1/offers?sector=62&country=BE&level=bachelor", json),
        Measure("offers + facets, new", "/api/v1/offers", json, first_time=True),
        Measure("q=assistant, new", "/api/v1/offers?q=assistant", json, first_time=True),
        Measure("filtered, new", "/api/v1/offers?sector=62&country=BE&level=bachelor", json, first_time=True),
        Measure("student's search", "/api/v1/offers", student),
        Measure("student's search, new", "/api/v1/offers", student, first_time=True),
        Measure("student's q=assistant, new", "/api/v1/offers?q=assistant", student, first_time=True),
        Measure("/offres/ page", "/offres/", {"Accept": "text/html"}),
        Measure("workspace tab", f"/espace/entreprises/{who.company_id}/offres/?tab=current", signed_in),
        Measure("student's applications", "/api/v1/applications", student),
        Measure("CV-book search", "/api/v1/cvbook?q=python", admin),
    ]


def run(port: int, found: list[Measure], rounds: int, warm_up: int) -> None:
    for _ in range(warm_up):
        for measure in found:
            path = measure.next_path()
            answer = fetch(port, path, measure.headers)
            if answer.status != 200:
                sys.exit(f"{measure.name}: {path} answered {answer.status}:\n{answer.body[:1000]!r}")
    for number in range(rounds):
        turn = number % len(found)
        for measure in found[turn:] + found[:turn]:
            path = measure.next_path()
            answer = fetch(port, path, measure.headers)
            if answer.status != 200:
                sys.exit(f"{measure.name}: {path} answered {answer.status}")
            measure.seconds.append(answer.seconds)
            if answer.queries is not None:
                measure.queries.append(answer.queries)


def report(found: list[Measure], size: int, workers: int, load: tuple[float, float], company_offers: int) -> None:
    floor, wagtail = found[0], found[1]
    print(
        f"\nseed_demo --size {size}, gunicorn -w {workers} (DEBUG=0), {len(found[0].seconds)} rounds; "
        f"load average {load[0]:.1f} before, {load[1]:.1f} after, on {os.cpu_count()} CPUs (shared: indicative); "
        f"the workspace's company holds {company_offers} offers"
    )
    print(f"{'measure':<26} {'median ms':>9} {'p95 ms':>8} {'queries':>7} {'× Wagtail v2':>12} {'× floor':>8}")
    rows = []
    for measure in found:
        to_wagtail = measure.median_ms / wagtail.median_ms
        to_floor = measure.median_ms / floor.median_ms
        print(
            f"{measure.name:<26} {measure.median_ms:9.1f} {measure.p95_ms:8.1f} {measure.queries_label:>7} "
            f"{to_wagtail:12.2f} {to_floor:8.1f}"
        )
        rows.append(
            [measure.name, measure.path, f"{measure.median_ms:.1f}", f"{measure.p95_ms:.1f}", measure.queries_label]
            + [f"{to_wagtail:.2f}", f"{to_floor:.1f}", len(measure.seconds)]
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{datetime.date.today().isoformat()}-{size}.csv"
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["measure", "path", "median_ms", "p95_ms", "queries", "ratio_wagtail_v2", "ratio_floor", "runs"]
            + ["workers", "load_average", "cpus"]
        )
        for row in rows:
            writer.writerow([*row, workers, f"{max(load):.1f}", os.cpu_count()])
    print(f"written to {path.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1, help="seed_demo --size of the database (default 1)")
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"a PostgreSQL database (default {DEFAULT_URL})")
    parser.add_argument(
        "--redis-url", default=DEFAULT_REDIS, help=f"the cache and queue ('' for none; default {DEFAULT_REDIS})"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--company-offers", type=int, default=500, help="offers of the demo company, topped up once (default 500)"
    )
    parser.add_argument("--rounds", type=int, default=30, help="requests of each measure (default 30)")
    parser.add_argument("--warm-up", type=int, default=4, help="unmeasured rounds first (default 4)")
    args = parser.parse_args()
    require_postgresql(parser, args.database_url)

    env = production_environment(prepare(args.database_url, args.size), args.redis_url)
    collect_static(env)
    setup_django(env)  # with the web server's SECRET_KEY, which signs the session
    company_offers = top_up_company_offers(args.company_offers)
    who = visitors()
    found = measures(who)
    with WebServer(env, args.workers) as server:
        before = os.getloadavg()[0]
        run(server.port, found, args.rounds, args.warm_up)
        after = os.getloadavg()[0]
        if server.errors():
            print(server.errors())
    report(found, args.size, args.workers, (before, after), company_offers)


if __name__ == "__main__":
    main()
