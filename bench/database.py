"""The benchmarks' PostgreSQL databases, prepared once and reused, and the settings that point Django at them.

A benchmark database is created if it is missing, migrated, and seeded with `seed_demo --size N` (which does
nothing when the demo is there already); its files live in `var/bench-<database>/`. Nothing here touches the
development database.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def require_postgresql(parser, url: str) -> None:
    if not url.startswith(("postgres://", "postgresql://")):
        parser.error("the benchmark runs on PostgreSQL: give a postgres:// URL")


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def ensure_database(url: str) -> None:
    """Create the database named by `url` unless it exists."""
    import psycopg

    name = database_name(url)
    server = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            print(f"creating database {name}")
            connection.execute(f'CREATE DATABASE "{name}"')


def environment(url: str, **more: str) -> dict[str, str]:
    """The environment of the portal's processes on the benchmark database: its own VAR_DIR, no queue unless given."""
    env = {**os.environ, "DATABASE_URL": url, "VAR_DIR": str(ROOT / "var" / f"bench-{database_name(url)}")}
    env.pop("REDIS_URL", None)
    env.pop("HUEY_IMMEDIATE", None)
    env.update(more)
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], check=True, env=env, cwd=ROOT)


def prepare(url: str, size: int | None) -> dict:
    """Create and migrate the database once, and seed the demo at `size` (none when `size` is None).

    Returns the environment that points Django at it.
    """
    ensure_database(url)
    env = environment(url)
    manage(env, "migrate", "--noinput", "-v0")
    if size is not None:
        started = time.perf_counter()
        manage(env, "seed_demo", "--size", str(size))
        print(f"seed_demo --size {size}: {time.perf_counter() - started:.1f} s (instant when already seeded)")
    return env


def setup_django(env: dict) -> None:
    """Django in this process, with the settings of `env` (its database, queue, SECRET_KEY)."""
    for name in ("REDIS_URL", "EMAIL_URL", "HUEY_IMMEDIATE"):
        if name not in env:
            os.environ.pop(name, None)
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of `values` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def top_up_company_offers(count: int) -> int:
    """The demo company (its administrator's) holds `count` offers at least, for the workspace's tab at scale:
    copies of other companies' live offers, written once in bulk as `seed_demo` writes pages. Returns its offers.
    Django must be set up."""
    from django.db import transaction

    from cms_pages.models import OfferPage, OrganisationPage
    from portal import access
    from portal.accounts.models import Membership, User
    from portal.demo.builder import COMPANY_ADMIN_EMAIL
    from portal.demo.bulk import PageWriter

    admin = User.objects.get(email=COMPANY_ADMIN_EMAIL)
    company = OrganisationPage.objects.get(memberships__user=admin, memberships__role=Membership.Role.ADMIN)
    held = OfferPage.objects.filter(company=company).count()
    if held >= count:
        return held
    copied = [field for field in OfferPage._meta.local_concrete_fields if not field.primary_key]
    children = []
    # A page's slug is unique among its siblings (Wagtail routes by it): none of the company's taken twice.
    taken = set(company.get_children().values_list("slug", flat=True))
    # An offer copied by an earlier run is not copied again (by its slug): the company holds one copy of each, however
    # many runs topped it up.
    copied_slugs = {slug.split("-copie-")[0] for slug in taken if "-copie-" in slug}
    sources = (
        OfferPage.objects.live()
        .exclude(company=company)
        .exclude(slug__in=copied_slugs)
        .prefetch_related("keywords")
        .order_by("pk")
    )
    for number, source in enumerate(sources[: count - held], start=1):
        slug = f"{source.slug}-copie-{number}"
        while slug in taken:
            slug += "-bis"
        taken.add(slug)
        offer = OfferPage(
            **{field.attname: getattr(source, field.attname) for field in copied},
            title=source.title,
            slug=slug,
            locale_id=source.locale_id,
            live=True,
            first_published_at=source.first_published_at,
            owner=admin,
        )
        offer.company, offer.author = company, admin
        offer.city, offer.country_id, offer.sector_id = company.city, company.country_id, company.sector_id
        offer.keywords.set(list(source.keywords.all()))
        children.append((company, offer))
    with transaction.atomic():
        writer = PageWriter(OfferPage)
        offers = writer.write(children, user_of=lambda offer: admin)
        access.offers.grant_authors((admin, offer) for offer in offers)
        writer.index(offers, related=["company"], prefetch=["keywords"])
    print(f"the demo company now holds {held + len(offers)} offers")
    return held + len(offers)
