"""Settings of the internship portal.

Every deployment knob comes from the environment; the defaults are the embedded ones that
`make run` uses (SQLite, SqliteHuey, local files, console e-mail). The README lists them all.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-secret-key-never-use-it-in-production-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "portal.accounts",
    "portal.reference",
    "portal.notifications",
    "portal.cvbook",
    "portal.recruitment",
    "portal.followup",
    "portal.demo",
    "cms_pages",
    "api",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    # After wagtail.admin: it replaces Wagtail's moderation e-mails with the portal's notifications.
    "workflows",
    "modelcluster",
    "taggit",
    "django_filters",
    "formtools",
    "guardian",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "huey.contrib.djhuey",
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.content_security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check reads the form: students' uploads keep their names' faults visible.
    "portal.recruitment.uploads.MarkFileNamesMiddleware",
    # A web form in another encoding than UTF-8 is refused before anything reads it as garbled text.
    "portal.form_encoding.UTF8FormsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "portal.ids.NumbersOutOfRangeMiddleware",
]
# Last: it turns a sign-in that django-axes refused into the portal's lockout page (see Login limits below).
MIDDLEWARE.append("axes.middleware.AxesMiddleware")

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL names another one.
VAR_DIR.mkdir(parents=True, exist_ok=True)
# A server's connection is kept from one request (or task) to the next for `CONN_MAX_AGE` seconds, 60 unless told,
# and checked before it is used again: opening one costs a PostgreSQL server a process and the request several
# milliseconds, more than a kept search. A SQLite file is opened in no time: 0, a connection per request.
DATABASES = {"default": dj_database_url.config(default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
_SERVER_DATABASE = DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3"
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60" if _SERVER_DATABASE else "0"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = _SERVER_DATABASE
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The portal's tables and indexes are read from memory or SSD, where a random read costs about what a sequential
    # one does: PostgreSQL's default (4, for spinning disks) made the planner read every search entry rather than the
    # few pages of a common word's bitmap (`cms_pages` 0012). Set per connection (no server privilege needed);
    # `PG_RANDOM_PAGE_COST` changes it, empty for the server's own; `options` given in `DATABASE_URL` are kept.
    _random_page_cost = os.environ.get("PG_RANDOM_PAGE_COST", "1.1")
    if _random_page_cost:
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} -c random_page_cost={float(_random_page_cost)}".strip()
    # The reads every signed-in request makes (`portal.accounts.selectors`) are prepared: planned once per connection,
    # from the first run (0; Django's own statements never are). `PG_PREPARE_THRESHOLD` empty prepares none, for a
    # pooler that keeps no prepared statements between transactions (PgBouncer's transaction mode before 1.21).
    _prepare_threshold = os.environ.get("PG_PREPARE_THRESHOLD", "0")
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "prepare_threshold", int(_prepare_threshold) if _prepare_threshold else None
    )
if not _SERVER_DATABASE:
    # The web server and the Huey consumer write to one file at the same time (`make run`).
    # - IMMEDIATE: a transaction takes the write lock when it begins, so it waits its turn (the busy timeout)
    #   instead of failing with "database is locked" when a read transaction must become a write one while
    #   another connection writes (SQLite cannot wait there).
    # - WAL: readers go on while one connection writes; synchronous=NORMAL is safe with WAL (a power cut
    #   may lose the last commits, never corrupt the file) and saves an fsync per commit.
    # - timeout: how long, in seconds, a writer waits for the lock before giving up.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: it refuses a locked-out sign-in before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's, reading the person signed in with their student record in one query (portal/accounts/backends.py).
    "portal.accounts.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
    # Still listed so that the sessions opened under it keep their holders signed in; it accepts no password the one
    # above refused.
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "/"
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
# Guardian's anonymous user is not needed: anonymous visitors read public pages only.
ANONYMOUS_USER_NAME = None

# Internationalisation: French first, English available.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Brussels")
USE_I18N = True
USE_TZ = True

# Static files, public media and private files (CVs, letters) that only permission-checked views serve.
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "portal" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
PRIVATE_ROOT = Path(os.environ.get("PRIVATE_ROOT", VAR_DIR / "private"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000


def email_settings(url: str) -> dict:
    """Turn `EMAIL_URL` (smtp://user:pass@host:port, smtp+tls://, smtp+ssl://, console://) into settings."""
    if not url:
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme not in {"smtp", "smtp+tls", "smtp+ssl", "submission"}:
        raise ImproperlyConfigured(f"EMAIL_URL scheme {scheme!r} is not supported.")
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or (465 if scheme == "smtp+ssl" else 587 if scheme != "smtp" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": scheme in {"smtp+tls", "submission"},
        "EMAIL_USE_SSL": scheme == "smtp+ssl",
    }


globals().update(email_settings(os.environ.get("EMAIL_URL", "")))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Portail des stages <no-reply@stages.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Task queue: SqliteHuey under var/ by default, RedisHuey when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
HUEY = {
    "name": "portal",
    "immediate": env_bool("HUEY_IMMEDIATE", False),
    "utc": True,
    "consumer": {"workers": int(os.environ.get("HUEY_WORKERS", "2")), "worker_type": "thread"},
}
if REDIS_URL:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": REDIS_URL})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")})

# Cache (the API's rate limits, Wagtail's site paths, the kept searches, the sessions): shared by every process of the
# portal, so that gunicorn's workers count one rate. Redis when REDIS_URL is set, else files under var/ (one machine).
# Without an answer from Redis within CACHE_TIMEOUT_SECONDS, the portal goes on without it (`portal.cache`).
CACHE_TIMEOUT_SECONDS = float(os.environ.get("CACHE_TIMEOUT_SECONDS", "0.5"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portal",
            "OPTIONS": {"socket_connect_timeout": CACHE_TIMEOUT_SECONDS, "socket_timeout": CACHE_TIMEOUT_SECONDS},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# Sessions are read from that cache and written through to the database: a signed-in request reads no session row
# (the database still holds every session, so a cache emptied or restarted signs nobody out).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# The client's address: how many proxies of our own stand in front of the portal. 0 trusts only the
# connection's address; N takes the N-th address from the right of X-Forwarded-For
# (portal/accounts/addresses.py). Read by the login limits and by the API's rate limits alike.
NUM_PROXIES = int(os.environ.get("NUM_PROXIES", "0"))
if NUM_PROXIES < 0:
    raise ImproperlyConfigured("NUM_PROXIES is the number of proxies in front of the portal: 0 or more.")

# Login limits (django-axes, portal/accounts/login_limits.py): the portal's sign-in page, the admin's and
# the API's token login. Counters are database rows, shared by every process. Per account and address,
# and per address (a school's shared address gets ten times more before everyone behind it waits).
AXES_HANDLER = "portal.accounts.login_limits.LoginFailureHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", str(10 * AXES_FAILURE_LIMIT)))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
# A refused attempt during the cool-off does not lengthen it: the wait the person is told stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "portal.accounts.addresses.client_address"
AXES_USERNAME_FORM_FIELD = "username"  # the keyword every sign-in passes to authenticate()
AXES_USERNAME_CALLABLE = "portal.accounts.login_limits.account_name"
AXES_LOCKOUT_CALLABLE = "portal.accounts.views.login_locked_out"
# Failures are kept until their cool-off ends; successful sign-ins are not logged (no ever-growing table).
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False  # no banner on every command; failures and lockouts are still logged as warnings

# Delivery of the notifications' e-mails, in seconds (portal/notifications/tasks.py). The defaults suit production;
# the tests of the real processes shorten them to see a retry or a recovery within seconds.
# The first retry after an SMTP failure; each next one waits twice as long (six retries, about half an hour).
NOTIFICATION_RETRY_DELAY = float(os.environ.get("NOTIFICATION_RETRY_DELAY", "30"))
# How long a consumer's claim on a notification keeps the others away (far longer than a send can take).
NOTIFICATION_SENDING_LEASE = float(os.environ.get("NOTIFICATION_SENDING_LEASE", str(10 * 60)))
# A notification never tried this long after its creation lost its task (the queue was down at commit).
NOTIFICATION_STALLED_AFTER = float(os.environ.get("NOTIFICATION_STALLED_AFTER", str(15 * 60)))

# Wagtail
WAGTAIL_SITE_NAME = "Portail des stages"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_I18N_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # French stemming without accents, created by cms_pages' migration 0004 (SQLite's index folds accents already).
    WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"] = "portal_french"
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "xlsx", "ods", "pptx", "odp", "csv", "txt"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILAPI_BASE_URL = SITE_URL
WAGTAILAPI_LIMIT_MAX = 100
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = True
# The last approval of an offer publishes it, whoever approves (see workflows/services.py).
WAGTAIL_FINISH_WORKFLOW_ACTION = "workflows.finish.publish_approved"
WAGTAIL_WORKFLOW_CANCEL_ON_PUBLISH = True

# The HTTP API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated API call answers 401 with `WWW-Authenticate: Token`.
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # Bounded JSON, forms in UTF-8, no NUL character: hostile bodies are refused before a view reads them.
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser", "api.parsers.FormParser", "api.parsers.MultiPartParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PortalPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.ScopedRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "auth": os.environ.get("AUTH_THROTTLE_RATE", "30/minute"),
        "registration": os.environ.get("REGISTRATION_THROTTLE_RATE", "20/hour"),
        # Messages to the portal team, from the contact page and the API alike (portal/contact/throttles.py).
        "contact": os.environ.get("CONTACT_THROTTLE_RATE", "5/hour"),
    },
}
# The rate limits count per client address read as the login limits read it (see NUM_PROXIES).
REST_FRAMEWORK["NUM_PROXIES"] = NUM_PROXIES
SPECTACULAR_SETTINGS = {
    "TITLE": "Internship portal API",
    "DESCRIPTION": "Offers, organisations, accounts and internships of the internship portal.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the portal's static files (drf-spectacular-sidecar), not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["api.schema.only_portal_api"],
    "ENUM_NAME_OVERRIDES": {
        "StudyLevelEnum": "portal.reference.choices.StudyLevel",
        "OfferStatusEnum": "portal.reference.choices.OfferStatus",
        "ApplicationStatusEnum": "portal.reference.choices.ApplicationStatus",
        "InternshipTypeEnum": "portal.reference.choices.InternshipType",
        "InternshipStatusEnum": "portal.followup.choices.InternshipStatus",
        "LabelStateEnum": "portal.followup.choices.LabelState",
        "AgreementPartyEnum": "portal.followup.choices.Party",
    },
}

# The internship follow-up: when the company tutor's evaluation opens, how often reminders and logbook warnings go
# out, how long a company tutor's link works.
FOLLOWUP_EVALUATION_OPENS_DAYS_BEFORE_END = int(os.environ.get("FOLLOWUP_EVALUATION_OPENS_DAYS_BEFORE_END", "14"))
FOLLOWUP_REMINDER_INTERVAL_DAYS = int(os.environ.get("FOLLOWUP_REMINDER_INTERVAL_DAYS", "7"))
FOLLOWUP_LOGBOOK_SILENCE_DAYS = int(os.environ.get("FOLLOWUP_LOGBOOK_SILENCE_DAYS", "7"))
FOLLOWUP_TUTOR_LINK_DAYS = int(os.environ.get("FOLLOWUP_TUTOR_LINK_DAYS", "30"))

# The version of the terms of use that companies and students accept.
TERMS_VERSION = os.environ.get("TERMS_VERSION", "2026-09")

# Security: safe defaults whenever DEBUG is off (the README documents how to relax them).
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Wagtail's page preview shows the page in a same-origin frame, so frames stay allowed from the site itself.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]
SESSION_COOKIE_HTTPONLY = True
# The language cookie travels like the session's: never to other sites' requests, only over HTTPS in production.
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = not DEBUG

# Content-Security-Policy: the public site and the workspaces run no inline script or style and load nothing
# from elsewhere. The Wagtail admin and the API documentation get what they need on top, and only they
# (portal/content_security.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        # Wagtail's page preview frames the site in itself.
        "frame-ancestors": [SELF],
    }
}
# The admin loads nothing from other sites either: no avatars from gravatar.com (nor editors' hashed addresses
# sent there), no call to releases.wagtail.io (the portal's versions are pinned and upgraded deliberately).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The Huey consumer prints through its own handler.
        "huey": {"handlers": [], "propagate": False},
        # One line per page saved and per search-index task is noise outside debugging.
        "django_tasks": {"level": "WARNING"},
        # Failures and lockouts are warnings; the routine of each failure (clean-ups, look-ups) is noise.
        "axes": {"level": "WARNING"},
    },
}
