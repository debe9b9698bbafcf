"""The portal's settings, plus what the benchmarks read: a floor view and a count of each request's SQL statements.

Only the benchmarks' web server uses them (`DJANGO_SETTINGS_MODULE=bench.settings`, see bench/endpoints.py); the
portal itself never loads this module.
"""

from portal.settings import *  # noqa: F403
from portal.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
# Outermost: it counts the statements of every other middleware too (the session, the sign-in limits).
MIDDLEWARE = ["bench.query_count.QueryCountMiddleware", *MIDDLEWARE]
