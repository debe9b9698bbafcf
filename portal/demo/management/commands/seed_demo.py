"""`manage.py seed_demo`: fill an empty portal with deterministic demo content and the demo accounts (API.md)."""

import logging
import time
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from tqdm import tqdm

from portal.demo.builder import (
    DEFAULT_PASSWORD,
    DEFAULT_SEED,
    DemoBuilder,
    current_counts,
    demo_accounts,
    demo_data_present,
    format_accounts,
)

__all__ = ["Command", "demo_accounts"]


# Loggers that report every page saved and every (immediate) search / reference-index task at INFO.
NOISY_LOGGERS = ("wagtail", "django_tasks")


@contextmanager
def quiet_loggers(names, level=logging.WARNING):
    loggers = [logging.getLogger(name) for name in names]
    previous = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(level)
    try:
        yield
    finally:
        for logger, old in zip(loggers, previous, strict=True):
            logger.setLevel(old)


class Command(BaseCommand):
    help = (
        "Create the demo content (hubs, schools, companies and their contacts, offers, students, guides) and the "
        "demo accounts. Deterministic for a given --seed; does nothing if the demo data is already present."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, default=1, help="Scale: 30×N companies, 200×N offers, 100×N students.")
        parser.add_argument(
            "--password", default=DEFAULT_PASSWORD, help=f"Password of the demo accounts (default {DEFAULT_PASSWORD})."
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"Random seed (default {DEFAULT_SEED}).")

    def handle(self, *args, size, password, seed, **options):
        if size < 1:
            raise CommandError("--size must be at least 1.")
        if not password:
            raise CommandError("--password must not be empty.")
        if demo_data_present():
            self.stdout.write("demo data already present")
            self.stdout.write(format_accounts(password))
            return

        started = time.monotonic()
        quiet = quiet_loggers(NOISY_LOGGERS) if options["verbosity"] < 2 else quiet_loggers(())
        with quiet, transaction.atomic():
            builder = DemoBuilder(size=size, password=password, seed=seed)
            builder.plan()
            # tqdm draws on stderr, and only when stderr is a terminal (disable=None).
            with tqdm(total=builder.total_steps, desc="seed_demo", unit="obj", disable=None) as bar:
                builder.tick = bar.update
                builder.write()
        # Tens of thousands of rows arrived at once: the planner's statistics are refreshed now rather than whenever
        # autovacuum comes round, so that the first searches are planned on what the tables hold (PostgreSQL and
        # SQLite both know `ANALYZE`). On PostgreSQL the tables are also vacuumed: the counts of the offer search
        # read covering indexes alone (`cms_pages/0011`) once the pages are marked all-visible. `VACUUM` runs outside
        # a transaction only (a seed made within one, as the tests make it, is analysed alone).
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        elapsed = time.monotonic() - started

        self.stdout.write(self.style.SUCCESS(f"Demo data created in {elapsed:.1f} s (size {size}, seed {seed})."))
        self.stdout.write("")
        self.stdout.write(format_accounts(password))
        self.stdout.write("")
        counts = current_counts()
        width = max(len(label) for label, _count in counts)
        for label, count in counts:
            self.stdout.write(f"{label.ljust(width)}  {count:>6}")
