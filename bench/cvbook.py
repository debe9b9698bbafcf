"""Time the CV book at scale on PostgreSQL: a faceted CV-book search, and the matching in both directions.

The database is prepared once and reused: created if missing, migrated, seeded with `seed_demo --size N` unless it
holds the demo already, then topped up in bulk to `--profiles` visible profiles (new students of the demo's
schools, with keywords, a CV and a letter, and their search entries). Each measure runs a warm-up, then `--runs`
times on varied inputs, as the web page and the API run it (the rows and facets read, not only the SQL built):

- faceted CV-book search: `selectors.search_profiles` for a company member — the count, the first page with its
  keywords and documents, and the four facets — with words, filters and keywords in turn;
- matching offer → profiles: `matching.profiles_for`, the 20 best profiles of a live offer;
- matching profile → offers: `matching.offers_for`, the 20 best offers a student may see.

    python bench/cvbook.py --size 250                       # the database of `make bench` (bench_l)
    python bench/cvbook.py --size 5 --database-url postgres://postgres@127.0.0.1:5432/bench_s --explain
    python bench/cvbook.py --size 2 --copies 124 --database-url postgres://postgres@127.0.0.1:5432/bench_s

`--copies N` measures at N + 1 times the offers: each offer is copied N times (its page, keywords, targeting and
search entry, in bulk SQL) inside a transaction rolled back after the measures (`bench/copies.py`).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time

from copies import MAX_COPIES, copy_offers
from database import percentile, prepare, require_postgresql, setup_django

DEFAULT_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_l")
TARGET_MS = 100
PAGE_SIZE = 20
SEARCHES = [
    {},
    {"q": "python"},
    {"sector": "62"},
    {"sector": "62", "country": "BE"},
    {"q": "stage", "level": "master"},
    {"keywords": ["qualité"]},
    {"q": "donnees", "sector": "62", "level": "bachelor"},
    {"country": "TN", "keywords": ["Python"]},
]


def top_up_profiles(target: int) -> None:
    """Visible profiles up to `target`: new students of the demo's programmes, their profiles in bulk."""
    from django.contrib.auth.hashers import make_password

    from cms_pages.models import Programme
    from portal.accounts.models import Student, User
    from portal.cvbook.models import Profile
    from portal.demo.profiles import create_profiles

    missing = target - Profile.objects.online().count()
    if missing <= 0:
        return
    print(f"adding {missing} visible profiles")
    started = time.perf_counter()
    programmes = list(Programme.objects.select_related("organisation").order_by("pk"))
    rng = random.Random(f"bench:{target}")
    first = User.objects.filter(email__startswith="bench-student-").count()
    password = make_password(None)
    for start in range(0, missing, 1000):
        numbers = range(first + start, first + min(start + 1000, missing))
        users = User.objects.bulk_create(
            User(email=f"bench-student-{n}@bench.example", first_name="Étudiant", last_name=f"N{n}", password=password)
            for n in numbers
        )
        students = Student.objects.bulk_create(
            Student(user=user, school=programme.organisation, programme=programme, study_level=programme.level)
            for user, programme in ((user, rng.choice(programmes)) for user in users)
        )
        students = list(
            Student.objects.filter(pk__in=[s.pk for s in students]).select_related("user", "school", "programme")
        )
        create_profiles(students, rng)
    print(f"  done in {time.perf_counter() - started:.1f} s")


def ensure_offers_indexed() -> None:
    """Every offer has its search entry (a bulk seed may have left them out): the missing ones are written."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import CharField, Exists, OuterRef
    from django.db.models.functions import Cast
    from wagtail.search.backends import get_search_backend
    from wagtail.search.models import IndexEntry

    from cms_pages.models import OfferPage

    entries = IndexEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(OfferPage), object_id=Cast(OuterRef("pk"), CharField())
    )
    missing = list(OfferPage.objects.exclude(Exists(entries)).values_list("pk", flat=True))
    if not missing:
        return
    print(f"indexing {len(missing)} offers")
    backend = get_search_backend()
    for start in range(0, len(missing), 500):
        batch = OfferPage.objects.filter(pk__in=missing[start : start + 500]).select_related("company")
        backend.add_bulk(OfferPage, list(batch.prefetch_related("keywords")))


def timed(run) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


def report(name: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = percentile(times, 0.95)
    verdict = f"under {TARGET_MS} ms" if p95 < TARGET_MS else f"over {TARGET_MS} ms"
    print(
        f"{name:<28} min {ordered[0]:6.1f} ms   median {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms"
        f"   max {ordered[-1]:6.1f} ms   ({len(times)} runs, p95 {verdict})"
    )


def measure(runs: int, explain: bool) -> None:
    from django.db import connection
    from django.db.models import Count

    from cms_pages.models import OfferPage
    from portal.accounts.models import Membership
    from portal.cvbook import fulltext, matching, selectors
    from portal.cvbook.models import Profile
    from portal.demo.builder import COMPANY_ADMIN_EMAIL

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    company = (
        Membership.objects.select_related("organisation__reference_hub")
        .get(user__email=COMPANY_ADMIN_EMAIL)
        .organisation
    )
    rng = random.Random(2026)
    offers = list(
        OfferPage.objects.live()
        .select_related("company", "country", "sector")
        .prefetch_related("target_countries", "target_organisations", "target_programmes")
        .filter(pk__in=rng.sample(list(OfferPage.objects.live().values_list("pk", flat=True)), runs + 1))
    )
    profiles = list(
        Profile.objects.online()
        .select_related("student__user")
        .prefetch_related("keywords")
        .filter(pk__in=rng.sample(list(Profile.objects.online().values_list("pk", flat=True)), runs + 1))
    )
    print(
        f"{OfferPage.objects.count()} offers ({OfferPage.objects.live().count()} live), "
        f"{Profile.objects.online().count()} visible profiles; searching for {company.title}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )

    def search(data):
        found = selectors.search_profiles(company, data)
        return found.profiles.count(), list(found.profiles[:PAGE_SIZE]), found.facets

    def for_offer(offer):
        return matching.profiles_for(offer.company, offer, limit=PAGE_SIZE)

    def for_student(profile):
        return matching.offers_for(profile.student.user, profile, limit=PAGE_SIZE)

    search(SEARCHES[0]), for_offer(offers[0]), for_student(profiles[0])  # warm-up
    searches = [SEARCHES[n % len(SEARCHES)] for n in range(runs)]
    report("faceted CV-book search", [timed(lambda d=data: search(d)) for data in searches])
    report("matching offer -> profiles", [timed(lambda o=offer: for_offer(o)) for offer in offers[1 : runs + 1]])
    report(
        "matching profile -> offers", [timed(lambda p=profile: for_student(p)) for profile in profiles[1 : runs + 1]]
    )

    if explain:
        data = {"q": "python", "sector": "62", "country": "BE"}
        print(f"\nEXPLAIN ANALYZE: the count of the faceted search {data}")
        print(selectors.search_profiles(company, data, with_facets=False).profiles.explain(analyze=True))
        print(f"\nEXPLAIN ANALYZE: the sector facet of {data}")
        found = selectors.search_profiles(company, data, with_facets=False).profiles
        facet = Profile.objects.filter(pk__in=found.order_by().values("pk")).values("sector").order_by()
        print(facet.annotate(count=Count("pk")).explain(analyze=True))
        # As the matching runs them: without JIT, the tables in the order named, no parallel workers.
        print(f"\nEXPLAIN ANALYZE: matching offer -> profiles ({offers[0].title})")
        ranked = matching.ranked_profiles(offers[0].company, offers[0])
        with fulltext.without_jit(from_ids=True):
            print(ranked.for_listing()[:PAGE_SIZE].explain(analyze=True))
        profile = profiles[0]
        print(f"\nEXPLAIN ANALYZE: matching profile -> offers ({profile.keyword_list})")
        ranked = matching.ranked_offers(profile.student.user, profile, limit=PAGE_SIZE)
        with fulltext.without_jit(from_ids=True):
            print(ranked.for_listing()[:PAGE_SIZE].explain(analyze=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=250, help="seed_demo --size of the database (default 250)")
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"a PostgreSQL database (default {DEFAULT_URL})")
    parser.add_argument("--profiles", type=int, default=10_000, help="visible profiles (default 10,000)")
    parser.add_argument("--runs", type=int, default=20, help="measures of each kind (default 20)")
    parser.add_argument(
        "--copies", type=int, default=0, help=f"copies of each offer, rolled back afterwards (at most {MAX_COPIES})"
    )
    parser.add_argument("--explain", action="store_true", help="print the plans of the queries (EXPLAIN ANALYZE)")
    args = parser.parse_args()
    require_postgresql(parser, args.database_url)

    setup_django(prepare(args.database_url, args.size))
    from django.db import transaction

    with transaction.atomic():
        top_up_profiles(args.profiles)
        ensure_offers_indexed()
    if not args.copies:
        measure(args.runs, args.explain)
        return
    with transaction.atomic():
        started = time.perf_counter()
        copy_offers(args.copies, live_only=False)
        print(
            f"each offer copied {args.copies} times in {time.perf_counter() - started:.1f} s (rolled back afterwards)"
        )
        measure(args.runs, args.explain)
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
