"""Time the demo-data generator at a given size on a fresh database.

    python bench/seed.py --size 5                                   # a new SQLite file in a temporary VAR_DIR
    python bench/seed.py --size 250 --database-url postgres://postgres@127.0.0.1:5432/seed_l

A PostgreSQL database given by `--database-url` is created for the run and must not exist yet (a benchmark never
empties a database); `--keep` leaves it in place afterwards (it is then a dataset-L database for the other
benchmarks), otherwise it is dropped. The time, the size and the row counts go to `bench/results/<date>-seed.csv`.
"""

import argparse
import csv
import datetime
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def _server(url: str):
    import psycopg

    return psycopg.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")), autocommit=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=1)
    parser.add_argument("--database-url", help="a PostgreSQL database to create for the run (must not exist)")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database afterwards")
    args = parser.parse_args()
    name = urlsplit(args.database_url).path.lstrip("/") if args.database_url else None
    if name:
        with _server(args.database_url) as server:
            if server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                parser.error(f"database {name} exists already: give a new name")
            server.execute(f'CREATE DATABASE "{name}"')
    try:
        with tempfile.TemporaryDirectory() as var_dir:
            env = {**os.environ, "VAR_DIR": var_dir if not args.keep else str(ROOT / "var" / f"bench-{name}")}
            env.pop("REDIS_URL", None)
            if args.database_url:
                env["DATABASE_URL"] = args.database_url
            else:
                env.pop("DATABASE_URL", None)
            manage = [sys.executable, str(ROOT / "manage.py")]
            subprocess.run([*manage, "migrate", "-v0"], check=True, env=env, cwd=ROOT)
            started = time.perf_counter()
            seeded = subprocess.run(
                [*manage, "seed_demo", "--size", str(args.size)],
                check=True,
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
            )
            elapsed = time.perf_counter() - started
    finally:
        if name and not args.keep:
            with _server(args.database_url) as server:
                server.execute(f'DROP DATABASE IF EXISTS "{name}"')
    print(seeded.stdout)
    engine = "postgresql" if args.database_url else "sqlite"
    load = os.getloadavg()[0]
    print(
        f"seed_demo --size {args.size} on {engine}: {elapsed:.1f} s (load average {load:.1f} on {os.cpu_count()} CPUs)"
    )
    counts = [line.rsplit(None, 1) for line in seeded.stdout.splitlines()[-30:] if line[:1].isalpha()]
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{datetime.date.today():%Y-%m-%d}-seed.csv"
    new = not path.exists()
    with path.open("a", newline="") as file:
        writer = csv.writer(file)
        if new:
            writer.writerow(["size", "engine", "seconds", "load_average", "offers", "companies", "students"])
        found = {label.strip(): value for label, value in counts if value.isdigit()}
        writer.writerow(
            [
                args.size,
                engine,
                f"{elapsed:.1f}",
                f"{load:.1f}",
                found.get("offers", ""),
                found.get("companies", ""),
                found.get("students", ""),
            ]
        )


if __name__ == "__main__":
    main()
