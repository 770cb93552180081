"""Settings for the city network's support desk, read from the environment.

Defaults are embedded so that the desk runs anywhere with nothing installed (SQLite, django-q2's ORM
broker, e-mail to the console); production swaps each through one variable (see README).
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    email_settings_from_url,
    env_bool,
    env_int,
    env_ints_matching,
    env_list,
    storage_settings,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", BASE_DIR / "var"))
TESTING = "pytest" in sys.modules or os.environ.get("DJANGO_TESTING") == "1"

DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DJANGO_DEBUG is off.")
    # Only ever used on a developer's machine: DEBUG off refuses to start without a real key.
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-8f2b1c9e4d7a"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "django_q",
    "axes",
    # The second factor: authenticator-app codes (TOTP) and one-time recovery codes (web.two_factor).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_htmx",
    # Countries as ISO codes, named in the reader's language from the library's own catalogues.
    "django_countries",
    # The REST API (web/api): Django REST framework, its OpenAPI 3 schema and the documentation pages' files
    # served from the package (no CDN), and CORS closed unless CORS_ALLOWED_ORIGINS names a site.
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "helpdesk",
    "workflows",
    "notifications",
    "web",
    # The demo network, the scale seeders and the benchmark: their commands only; no product app imports it.
    "devtools",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the input: a NUL (or a control character in a path, a query, a form's key) is a 400.
    "web.middleware.ControlCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Answers a browser's preflight for /api/ only; with CORS_ALLOWED_ORIGINS empty (the default) it allows none.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: a signed-in person's profile language wins over the browser's.
    "web.middleware.UserLanguageMiddleware",
    # And their time zone (User.time_zone) for every moment a page shows.
    "web.middleware.UserTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Access and security (web.middleware): session timeouts and suspensions, no-store.
    "web.middleware.SessionSecurityMiddleware",
    "web.middleware.NoStoreMiddleware",
    # After the session checks: a person whose session lacks the second factor it needs reaches only its pages.
    "web.two_factor.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # A post past the person's limit (web.ratelimits) answered with the 429 page (RATELIMIT_VIEW).
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "web.context_processors.desk",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
SQLITE_PATH = Path(os.environ.get("SQLITE_PATH", BASE_DIR / "db.sqlite3"))
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
        if env_bool("DB_PREPARED_STATEMENTS", False):
            DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=2)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            # Reopening a SQLite file costs its PRAGMAs and Django's SQL functions on every request, and
            # django-q2's ORM broker closes connections past their age each time it queues a task.
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue behind the busy
                # timeout instead of failing with "database is locked" when a read upgrades to a write.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                    " PRAGMA cache_size=-64000; PRAGMA temp_store=MEMORY; PRAGMA mmap_size=268435456;"
                ),
            },
        }
    }
IS_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "helpdesk.User"

# --- Authentication -------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-guardian: no anonymous user row; nobody anonymous may hold an object permission.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_MONKEY_PATCH_USER = False

# django-axes: lock out an account+address pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
# Each on its own: an account is throttled whatever address the guesses come from, and an address whatever
# accounts it tries (one password sprayed across many). The price: anyone can lock an account for the
# cool-off; its owner can still reset the password by e-mail.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_VERBOSE = False

# The second factor (web.two_factor): people with one of these roles, and staff accounts, must sign in with an
# authenticator app's code. On by default in production only, so that the demo (DEBUG) and the tests run
# without a phone; anyone may turn it on for themselves from their profile, and who has it is always asked.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", not DEBUG and not TESTING)
TWO_FACTOR_ROLES = env_list("TWO_FACTOR_ROLES", ["hub_staff", "expert", "management"])
OTP_TOTP_ISSUER = "Strong Cities help desk"
# django-otp's own throttle on code checks (1, 2, 4… seconds after each wrong code): kept on explicitly.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# A person's authenticator secret is theirs alone: the admin never shows a device's key or QR code (its pages for
# them answer 403, a missing device too, where django-otp's own lookup would fail with a 500).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Sessions: an absolute lifetime here, an idle timeout enforced by the access layer.
SESSION_COOKIE_AGE = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 3600)
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("ar", _("Arabic"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Our corrections to Django's formats (config/formats/<language>/formats.py): Arabic amounts grouped by
# thousands. Grouping is asked where a number is an amount or a count (floatformat:"2g", intcomma), not
# everywhere (USE_THOUSAND_SEPARATOR stays off: years and references are numbers too).
FORMAT_MODULE_PATH = ["config.formats"]
# Kosovo has no ISO 3166 code of its own yet; XK is the one the EU, the IMF and SWIFT use.
COUNTRIES_OVERRIDE = {"XK": _("Kosovo")}

# --- Static files and uploads ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Attachments live outside any URL the web server exposes: they are served only through a view that
# checks access. There is deliberately no MEDIA_URL route.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
STATIC_MANIFEST = env_bool("DJANGO_STATIC_MANIFEST", not DEBUG and not TESTING)
# Attachments, kept files and the resource hub's files: under PRIVATE_MEDIA_ROOT, or in a private S3-compatible
# bucket when STORAGE_URL (or AWS_STORAGE_BUCKET_NAME) is set, so that web workers on several machines share
# them without a shared disk (config.env.storage_settings, helpdesk.storage).
STORAGES = {
    "default": storage_settings(os.environ, local_root=PRIVATE_MEDIA_ROOT),
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
# What an Office document (a zip archive) may unpack to in total; more is refused as a zip bomb.
ATTACHMENT_MAX_UNPACKED_BYTES = env_int("ATTACHMENT_MAX_UNPACKED_BYTES", 100 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- E-mail ---------------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Strong Cities help desk <helpdesk@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
if os.environ.get("EMAIL_URL"):
    globals().update(email_settings_from_url(os.environ["EMAIL_URL"]))
elif os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)

# --- Task queue (django-q2) -----------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
# Read once: the stale-"sending" limit below is derived from it.
_q_timeout = env_int("Q_TIMEOUT", 60)
Q_CLUSTER: dict[str, object] = {
    "name": "helpdesk",
    "workers": env_int("Q_WORKERS", 2),
    "recycle": 500,
    # django-q2 requires timeout < retry, or a slow task is handed to a second worker while it runs.
    "timeout": _q_timeout,
    "retry": env_int("Q_RETRY", 120),
    "max_attempts": env_int("Q_MAX_ATTEMPTS", 5),
    "ack_failures": True,
    "catch_up": False,
    "save_limit": 1000,
    "label": "Task queue",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["poll"] = 1

# --- Security -------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- Cache and rate limits -------------------------------------------------------------------------
# In-process by default; CACHE_URL (redis://…) shares the cache, and so the rate limits' counts, across workers.
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
CACHES = {
    "default": {
        **(
            {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
            if CACHE_URL
            else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        ),
        # Two desks (a staging copy beside production) sharing one Redis keep apart by their prefixes.
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "").strip(),
    }
}
# Posts per person (messages, requests and drafts, moves, reply templates), and posts carrying files: a person
# writes a few a minute, a script hundreds (web.ratelimits). RATELIMIT_ENABLE=0 turns the limits off.
RATELIMIT_POSTS = os.environ.get("RATELIMIT_POSTS", "30/m")
RATELIMIT_UPLOADS = os.environ.get("RATELIMIT_UPLOADS", "20/m")
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
RATELIMIT_VIEW = "web.ratelimits.ratelimited"

# --- Invitations (helpdesk.services.invitations) ------------------------------------------------------
# How long an invitation's link works; a resend starts the period again (and voids the earlier link).
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
# Opening or answering an invitation's link, per visitor's address (or person): a person tries a few times,
# a script guessing links thousands (web.ratelimits.limit_visitor).
RATELIMIT_INVITATION_LINKS = os.environ.get("RATELIMIT_INVITATION_LINKS", "20/m")

# --- REST API (web/api) ------------------------------------------------------------------------------
# Personal tokens (``Authorization: Token …``, made on the profile page) and the desk's own session. Every
# endpoint needs a signed-in person; each token is throttled on its own (API_THROTTLE_RATE), a session by person.
API_TOKEN_DEFAULT_DAYS = env_int("API_TOKEN_DEFAULT_DAYS", 90)
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365)
API_THROTTLE_RATE = os.environ.get("API_THROTTLE_RATE", "600/hour")
API_PAGE_SIZE = env_int("API_PAGE_SIZE", 25)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "web.api.authentication.PersonalTokenAuthentication",
        "web.api.authentication.DeskSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["web.api.throttling.PerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": API_THROTTLE_RATE},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "web.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Strong Cities help desk API",
    "DESCRIPTION": (
        "Requests, messages, files, lifecycle moves, notifications, resources and outcomes, under the same "
        "access rules as the desk's pages. Authenticate with a personal token: `Authorization: Token <key>`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No badge from validator.swagger.io: the page fetches nothing from outside the desk (its CSP refuses it).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
}
# CORS is closed: no other site's script may call the API from a browser unless named here (comma-separated).
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", [])
CORS_URLS_REGEX = r"^/api/.*$"

# --- Replies by e-mail (notifications.inbound) --------------------------------------------------------
# REPLY_EMAIL_DOMAIN set: every notification e-mail about a request carries Reply-To
# <REPLY_EMAIL_PREFIX>+<token>@<REPLY_EMAIL_DOMAIN>, the token bound to its recipient and the request for
# REPLY_TOKEN_DAYS; a reply becomes a message (manage.py receive_mail on an MTA's pipe, or the IMAP poller).
REPLY_EMAIL_DOMAIN = os.environ.get("REPLY_EMAIL_DOMAIN", "").strip()
REPLY_EMAIL_PREFIX = os.environ.get("REPLY_EMAIL_PREFIX", "reply").strip()
REPLY_TOKEN_DAYS = env_int("REPLY_TOKEN_DAYS", 60)
# imaps://user:password@host:993/INBOX?processed=Processed&refused=Refused (empty: no poller).
IMAP_URL = os.environ.get("IMAP_URL", "").strip()
# Largest message the gateway reads (bytes); larger ones are refused without being parsed.
INBOUND_MAIL_MAX_BYTES = env_int("INBOUND_MAIL_MAX_BYTES", 30 * 1024 * 1024)

# --- Domain settings ------------------------------------------------------------------------------
REFERENCE_PREFIX = "SCN"
RETENTION_DAYS = env_int("RETENTION_DAYS", 730)

# --- Access and security (helpdesk.access, .sanitize, .screening, .attachments, .retention) ----------
# Longest user-written text a field accepts (a description, a message), in characters after cleaning.
TEXT_MAX_CHARS = env_int("TEXT_MAX_CHARS", 50_000)
# Proxies in front of the desk that append to X-Forwarded-For (0: use REMOTE_ADDR). The access log and
# the login throttle read the client's address the same way.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "web.middleware.client_ip"

# --- Workflow (workflows app: the request lifecycle) ----------------------------------------------
# How many days each waiting state allows is the lifecycle table's (workflows/lifecycle.py), which names the
# variable that overrides it: WORKFLOW_TRIAGE_DAYS, WORKFLOW_INFO_DAYS, WORKFLOW_MATCHING_DAYS,
# WORKFLOW_FUNDING_DAYS (working days), WORKFLOW_DELIVERY_DEFAULT_DAYS (working days to the delivery date when
# none is agreed), WORKFLOW_AUTO_CLOSE_DAYS (calendar days a delivered request waits for its evaluation). Any
# WORKFLOW_<NAME>_DAYS set in the environment becomes a setting; a new state's variable needs no line here.
globals().update(env_ints_matching(r"WORKFLOW_[A-Z_]+_DAYS"))
# On the incident fast track the table's hours replace the days (``StateSpec.fast_track``), every day counted:
# WORKFLOW_INCIDENT_FIRST_ANSWER_HOURS (the hub's first answer, 24), WORKFLOW_INCIDENT_INFO_HOURS (the city's
# answer to a question, 24), WORKFLOW_INCIDENT_MATCHING_HOURS (an expert's acceptance, 48),
# WORKFLOW_INCIDENT_FUNDING_HOURS (an emergency fund decision, 48). Any WORKFLOW_<NAME>_HOURS set in the
# environment becomes a setting.
globals().update(env_ints_matching(r"WORKFLOW_[A-Z_]+_HOURS"))
# Dates (YYYY-MM-DD, comma-separated) that are not working days.
WORKFLOW_HOLIDAYS = env_list("WORKFLOW_HOLIDAYS", [])
# Fund approvals above this amount need two different management-unit approvers.
FUND_FOUR_EYES_THRESHOLD = Decimal(os.environ.get("FUND_FOUR_EYES_THRESHOLD", "25000"))
# A fast-track application up to this amount is an emergency one: one member of the management unit decides it
# within WORKFLOW_INCIDENT_FUNDING_HOURS (above FUND_FOUR_EYES_THRESHOLD a second approval is still needed).
FUND_EMERGENCY_CEILING = Decimal(os.environ.get("FUND_EMERGENCY_CEILING", "10000"))
# First month of the fund's fiscal year; a fiscal year is named after the calendar year it starts in.
FUND_FISCAL_YEAR_START_MONTH = env_int("FUND_FISCAL_YEAR_START_MONTH", 1)
# Days an expert keeps read access to a request after it closed, declined or was withdrawn.
EXPERT_ACCESS_GRACE_DAYS = env_int("EXPERT_ACCESS_GRACE_DAYS", 30)

# --- Outcomes (workflows.models.outcomes) --------------------------------------------------------
# Months after delivery at which the city is asked whether the results are still there (comma-separated).
OUTCOMES_FOLLOW_UP_MONTHS = [int(m) for m in env_list("OUTCOMES_FOLLOW_UP_MONTHS", ["3", "6"])]
# Calendar days after a follow-up is asked: a reminder to the city, then the hub is told, then it is counted
# as not answered (and leaves the city's list).
OUTCOMES_REMINDER_DAYS = env_int("OUTCOMES_REMINDER_DAYS", 14)
OUTCOMES_ESCALATION_DAYS = env_int("OUTCOMES_ESCALATION_DAYS", 28)
OUTCOMES_MISSED_DAYS = env_int("OUTCOMES_MISSED_DAYS", 60)
# Points after delivery at which a request on the incident fast track is checked in with (comma-separated): "14d"
# days (under 28) or "3m" calendar months. Asked instead of the follow-ups above, with or without key indicators,
# and reminded, escalated and missed after the same days.
INCIDENT_CHECK_IN_POINTS = env_list("INCIDENT_CHECK_IN_POINTS", ["14d", "3m", "6m"])

# --- Notifications --------------------------------------------------------------------------------
# An e-mail that fails is retried after BACKOFF × 2^(attempt-1) seconds, up to MAX_ATTEMPTS, then marked
# failed for the management unit (admin). The row, not the queue, is the truth: the sweep (twice a minute)
# re-enqueues a pending row whose task has not run REQUEUE_AFTER seconds after it was queued (Redis gives no
# receipt: a task a dead cluster had taken is gone), and frees a row left "sending" by a worker that died
# mid-send once it is older than SENDING_STALE; so a dead worker's e-mails go out again within a minute.
# A sending task has a timeout of its own (SEND_TIMEOUT, well below Q_TIMEOUT, which the daily jobs need):
# the cluster stops a live sender 3 s past it, so a row older than SEND_TIMEOUT + 10 s (the rest: the guard's
# cycle, clocks a few seconds apart) has no sender left and is never sent twice by this; a row queued twice
# is sent once (``email_send`` claims it).
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 6)
NOTIFICATION_BACKOFF_SECONDS = env_int("NOTIFICATION_BACKOFF_SECONDS", 60)
NOTIFICATION_REQUEUE_AFTER_SECONDS = env_int("NOTIFICATION_REQUEUE_AFTER_SECONDS", 25)
NOTIFICATION_SEND_TIMEOUT_SECONDS = min(env_int("NOTIFICATION_SEND_TIMEOUT_SECONDS", 15), _q_timeout)
NOTIFICATION_SENDING_STALE_SECONDS = env_int(
    "NOTIFICATION_SENDING_STALE_SECONDS", NOTIFICATION_SEND_TIMEOUT_SECONDS + 10
)
NOTIFICATION_DIGEST_HOUR = env_int("NOTIFICATION_DIGEST_HOUR", 6)  # UTC
# A reminder goes out when a step's deadline passes; an escalation this many hours later.
DEADLINE_ESCALATION_HOURS = env_int("DEADLINE_ESCALATION_HOURS", 48)
# django-q2 honours Q_CLUSTER_NAME (a queue of its own) only when ALT_CLUSTERS is present.
Q_CLUSTER.setdefault("ALT_CLUSTERS", {})
if TESTING:
    # One queue per test run, so parallel runs on one Redis never take each other's tasks; the SQLite test
    # database is a file so that a qcluster subprocess can open it (tests pass it on as SQLITE_PATH).
    Q_CLUSTER["cluster_name"] = os.environ.get("Q_CLUSTER_NAME") or f"helpdesk-test-{os.getpid()}"
    if not IS_POSTGRES:
        _test_db = Path(tempfile.gettempdir()) / f"helpdesk-test-{os.getpid()}.sqlite3"
        DATABASES["default"]["TEST"] = {"NAME": str(_test_db)}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Two lines per task at INFO; `make run` sets WARNING so that the server's log stays readable.
        "django-q": {"level": os.environ.get("Q_LOG_LEVEL", os.environ.get("LOG_LEVEL", "INFO"))},
    },
}
