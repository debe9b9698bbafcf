"""The plans of the portal's lists on PostgreSQL: the offer search, the moderation queue, the applications, the
directory.

The database is prepared as `bench/cvbook.py` prepares it (created if missing, migrated, `seed_demo --size N`),
then, inside a transaction rolled back at the end, the live offers are copied `--copies` times (pages, offers,
keywords, targeting and search entries, in bulk SQL: `bench/copies.py`) and applications added, so that the plans
are those of a portal many times the demo's size. Prints `EXPLAIN ANALYZE` of each list's queries (the search's
aggregate and page, the other lists' page) and the time of each whole read.

    python bench/lists.py --size 2 --copies 25 --database-url postgres://postgres@127.0.0.1:5432/wt4
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from copies import MAX_COPIES, copy_offers  # noqa: E402
from cvbook import DEFAULT_URL, prepare  # noqa: E402

PAGE_SIZE = 20
SEARCHES = [{}, {"q": "python"}, {"sector": "62", "country": "BE"}, {"q": "données", "level": "master"}]


def add_applications(per_offer: int) -> int:
    """`per_offer` applications to each of the first live offers, from the demo's students, in bulk."""
    from cms_pages.models import OfferPage
    from portal.accounts.models import Student
    from portal.recruitment.models import Application

    students = list(Student.objects.values_list("user_id", flat=True)[:per_offer])
    offers = list(OfferPage.objects.live().values_list("pk", "company_id")[:500])
    Application.objects.bulk_create(
        (
            Application(student_id=student, offer_id=offer, company_id=company, status="cancelled")
            for offer, company in offers
            for student in students
        ),
        batch_size=2000,
    )
    return Application.objects.count()


def explain(title: str, queryset=None, sql: str | None = None, params=None) -> None:
    from django.db import connection

    print(f"\n### {title}")
    if queryset is not None:
        print(queryset.explain(analyze=True))
        return
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN ANALYZE " + sql, params)
        print("\n".join(row[0] for row in cursor.fetchall()))


def timed_search(who: str, user, data: dict) -> None:
    """One whole search as the API runs it: the aggregate, then the first page with its keywords."""
    from cms_pages import search

    started = time.perf_counter()
    found = search.search_offers(user, data)
    list(found.paginator(PAGE_SIZE).page(1))
    print(f"search {data}, {who}: {found.count} found in {(time.perf_counter() - started) * 1000:.1f} ms")


def measure() -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import Count

    from cms_pages import search
    from cms_pages.models import OfferPage, OrganisationPage
    from portal import access
    from portal.accounts.models import HubModerator, Membership, Student
    from portal.recruitment import selectors
    from portal.recruitment.models import Application

    visitor = AnonymousUser()
    student = Student.objects.select_related("user", "school").first().user
    for data in SEARCHES:
        for who, user in (("a visitor", visitor), ("a student", student)):
            timed_search(who, user, data)
        offers, _ordering = search.matching_offers(student, data)
        sql, params = search._facets_sql(offers)
        explain(f"the search's total and facets, {data}, a student", sql=sql, params=params)
        found = search.search_offers(student, data, with_facets=False)
        explain(f"the search's first page, {data}, a student", queryset=found.offers[:PAGE_SIZE])

    moderator = HubModerator.objects.select_related("user").first().user
    queue = (
        OfferPage.objects.filter(access.offers.awaiting_decision_q(moderator))
        .select_related("company", "author", "country", "sector")
        .order_by("latest_revision_created_at", "pk")
    )
    explain("the hub moderator's queue, first page", queryset=queue[:10])

    busiest = Application.objects.values("company").annotate(n=Count("pk")).order_by("-n").first()
    admin = Membership.objects.filter(organisation_id=busiest["company"], role="admin").first().user
    received = selectors.received_by(admin).filter(company_id=busiest["company"]).to_offers().for_listing()
    explain("a company's received applications, first page", queryset=received[:PAGE_SIZE])
    explain("their count", queryset=received.order_by())
    applicant = Application.objects.values("student").annotate(n=Count("pk")).order_by("-n").first()["student"]
    own = Application.objects.filter(student_id=applicant).for_listing()
    explain("a student's applications, first page", queryset=own[:PAGE_SIZE])
    offer = Application.objects.values("offer").annotate(n=Count("pk")).order_by("-n").first()["offer"]
    explain(
        "an offer's applications (the export reads them in this order)",
        queryset=selectors.received_by(admin).filter(offer_id=offer).for_listing()[:500],
    )
    directory = OrganisationPage.objects.live().public().for_listing().order_by("title")
    explain("the organisation directory, first page", queryset=directory[:PAGE_SIZE])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=2, help="seed_demo --size of the database (default 2)")
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"a PostgreSQL database (default {DEFAULT_URL})")
    parser.add_argument(
        "--copies", type=int, default=25, help=f"copies of each live offer (default 25, at most {MAX_COPIES})"
    )
    parser.add_argument("--applications", type=int, default=40, help="applications per offer, first 500 offers")
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("the plans are PostgreSQL's: give a postgres:// URL")

    env = prepare(args.database_url, args.size)
    os.environ.update({"DATABASE_URL": env["DATABASE_URL"], "VAR_DIR": env["VAR_DIR"]})
    os.environ.pop("REDIS_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import transaction

    with transaction.atomic():
        started = time.perf_counter()
        live = copy_offers(args.copies, live_only=True)
        count = add_applications(args.applications)
        print(f"{live} live offers, {count} applications ({time.perf_counter() - started:.1f} s to copy)")
        measure()
        transaction.set_rollback(True)


if __name__ == "__main__":
    main()
