"""The production settings documented in the README pass Django's deployment checks."""

import os
import subprocess
import sys

from django.conf import settings

# Variables of the test run itself, which a production server would not have.
TEST_ONLY = {"DJANGO_ALLOW_ASYNC_UNSAFE"}


def run_manage(*args, **env):
    environment = {**{name: value for name, value in os.environ.items() if name not in TEST_ONLY}, **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True
    )


def test_check_deploy_prints_no_warning_with_the_production_settings(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="k3y-for-the-deployment-check-" + "x7Qz9" * 8,
        ALLOWED_HOSTS="stages.example.org",
        VAR_DIR=str(tmp_path),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_manage("check", DEBUG="0", SECRET_KEY="", ALLOWED_HOSTS="stages.example.org", VAR_DIR=str(tmp_path))

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_prepared_reads_follow_pg_prepare_threshold(tmp_path):
    """On PostgreSQL psycopg prepares the requests' reads from their first run, unless told to prepare none (a pooler
    that keeps no prepared statements)."""
    shown = (
        "from django.conf import settings; print(repr(settings.DATABASES['default']['OPTIONS']['prepare_threshold']))"
    )
    server = {"DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal", "VAR_DIR": str(tmp_path)}

    assert run_manage("shell", "--no-imports", "-c", shown, **server).stdout.strip() == "0"
    assert run_manage("shell", "--no-imports", "-c", shown, PG_PREPARE_THRESHOLD="", **server).stdout.strip() == "None"
    assert run_manage("shell", "--no-imports", "-c", shown, PG_PREPARE_THRESHOLD="5", **server).stdout.strip() == "5"
