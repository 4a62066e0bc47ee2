"""SIGAP settings: one module, everything from the environment (django-environ).

The embedded default (no variables set) is SQLite under the project and Celery tasks run
in-process; set DATABASE_URL / REDIS_URL for PostgreSQL and Redis. `.env.example` documents
every variable.
"""

import sys
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# pytest imports this module; tests get the development key and fast hashing.
TESTING = "pytest" in sys.modules

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG or TESTING:
        # bandit B105: a development key, never used in production (DEBUG=0 refuses to start without one).
        SECRET_KEY = "django-insecure-sigap-development-only-never-use-in-production"  # nosec B105
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment (or DEBUG=1 for development)."
        )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG or TESTING else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- Instance (which government runs this copy) -------------------------------------------
SIGAP_GOVERNMENT_NAME = env.str("SIGAP_GOVERNMENT_NAME", default="Pemerintah Kota Semarang")
SIGAP_HR_AGENCY_NAME = env.str("SIGAP_HR_AGENCY_NAME", default="Badan Kepegawaian, Pendidikan dan Pelatihan (BKPP)")
SIGAP_HR_AGENCY_SHORT = env.str("SIGAP_HR_AGENCY_SHORT", default="BKPP")
# A path under static/ or an absolute URL of the government's logo.
SIGAP_LOGO = env.str("SIGAP_LOGO", default="img/logo-sigap.svg")
# JP (jam pelajaran, 45 minutes) of competency development each employee should reach a
# calendar year (DOMAIN.md §6.1: PNS at least 20; PPPK per contract, default 20).
SIGAP_JP_TARGET_PNS = env.int("SIGAP_JP_TARGET_PNS", default=20)
SIGAP_JP_TARGET_PPPK = env.int("SIGAP_JP_TARGET_PPPK", default=20)
# Base address used in e-mails that link back to SIGAP.
SIGAP_SITE_URL = env.str("SIGAP_SITE_URL", default="http://127.0.0.1:8000")
# Spreadsheet uploads larger than this are refused with a message (bytes).
SIGAP_MAX_UPLOAD_BYTES = env.int("SIGAP_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
# Documents (evidence, signed pacts, decrees) larger than this are refused (bytes).
SIGAP_MAX_DOCUMENT_BYTES = env.int("SIGAP_MAX_DOCUMENT_BYTES", default=5 * 1024 * 1024)
# Retention periods in days per rule code, overriding the defaults of asn_portal.retention
# (the table in docs/privacy.md), e.g. SIGAP_RETENTION_DAYS="notifications=180;report_files=14".
SIGAP_RETENTION_DAYS = env.dict("SIGAP_RETENTION_DAYS", cast={"value": int}, default={})

# --- Applications --------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "django_celery_beat",
    "axes",
    "auditlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "treebeard",
    "csp",
    "asn_portal",
    "integrity",
    "training",
    "careers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outermost of the rest, so its 503 (database unavailable) still gets CSP and the others'
    # headers; errors raised by the middleware below reach handler500, which answers the same.
    "asn_portal.middleware.DatabaseUnavailableMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): two-factor sign-in
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After authentication, messages and htmx: it logs out, leaves a message and answers htmx.
    "asn_portal.middleware.SessionTimeoutMiddleware",
    # After the timeout (an ended session is not asked for a code): the second sign-in step.
    "asn_portal.two_factor.TwoFactorMiddleware",
    "asn_portal.middleware.AuditActorMiddleware",
    # django-axes must be last: it turns a lock-out into the lock-out response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "asn_portal.urls"
WSGI_APPLICATION = "asn_portal.wsgi.application"
ASGI_APPLICATION = "asn_portal.asgi.application"

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
                "asn_portal.context_processors.sigap",
            ],
        },
    },
]

# --- Database ------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
# A persistent connection (conn_max_age) is checked before a request reuses it: after a
# database restart the first request reconnects instead of failing on a dead connection.
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded mode runs a dev server and an in-process task runner on one file.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("timeout", 20)
elif DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # PostgreSQL's JIT spends seconds compiling the city-wide eligibility query (careers) and
    # gains nothing on these short OLTP queries: off for SIGAP's connections (bench/eligibility_bench.py).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ---------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # A cache that answers "not cached" while Redis is down instead of failing the page.
    CACHES = {
        "default": {
            "BACKEND": "asn_portal.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth ----------------------------------------------------------------------------------
AUTH_USER_MODEL = "asn_portal.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "login"

# A session lives at most SESSION_COOKIE_AGE from sign-in, however busy (absolute lifetime),
# and ends after SIGAP_SESSION_IDLE_MINUTES without a request (idle timeout); both are
# enforced by asn_portal.middleware.SessionTimeoutMiddleware.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SIGAP_SESSION_IDLE_MINUTES = env.int("SIGAP_SESSION_IDLE_MINUTES", default=30)

# How long a dashboard card may reuse a city-wide count (the eligible promotion candidates),
# in seconds; 0 counts on every view. The lists behind the cards always count afresh.
SIGAP_DASHBOARD_CACHE_SECONDS = env.int("SIGAP_DASHBOARD_CACHE_SECONDS", default=300)
# Database sessions whose key starts with a tag of their owner, so that deactivating an
# account deletes its sessions without decoding everyone's (asn_portal.signals).
SESSION_ENGINE = "asn_portal.sessions"

# django-axes: lock a username from one address after repeated failures. Not by address
# alone: a whole OPD often shares one NAT address, and one person must not lock out all.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_CALLABLE = "asn_portal.auth.axes_username"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Behind N trusted reverse proxies, django-ipware takes the client address from the N-th
# X-Forwarded-For entry; with 0 (the default) only the connection's address counts, so a
# forged header cannot dodge the lock-out.
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if AXES_IPWARE_PROXY_COUNT else ("REMOTE_ADDR",)
)
AXES_VERBOSE = False

# Two-factor sign-in (TOTP, django-otp), offered to Admin BKPP and Inspektorat
# (asn_portal.two_factor). The issuer is the name authenticator apps show beside the code.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default=f"SIGAP {SIGAP_HR_AGENCY_SHORT}")
# Roles (admin_bkpp, inspektorat; comma-separated) that must set up two-factor sign-in: their
# accounts are sent to the set-up page after signing in until they have. Empty: optional.
SIGAP_REQUIRE_2FA_ROLES = env.list("SIGAP_REQUIRE_2FA_ROLES", default=[])

# --- I18n ----------------------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# --- Static and media ----------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# whitenoise serves STATIC_ROOT; before the first collectstatic (tests, runserver) it is absent.
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
if WHITENOISE_AUTOREFRESH:
    WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"  # never served directly: uploads go through permission-checked views
_static_backend = (
    "django.contrib.staticfiles.storage.StaticFilesStorage"
    if DEBUG or TESTING
    else "whitenoise.storage.CompressedManifestStaticFilesStorage"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": _static_backend},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- Mail ----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SIGAP <noreply@sigap.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Forms and front end -------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "asn_portal.drf.StandardPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "asn_portal.drf.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SIGAP API",
    "DESCRIPTION": "Sistem Informasi Pengembangan Aparatur: employees and organisation units, integrity "
    "records and standing, training (catalogue, sessions, registrations, JP), careers (histories, promotion "
    "eligibility and proposals). Errors share one body: "
    '{"error": {"code", "message", "fields"}}.',
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # "StatusEnum" stays the employee status (its name before report jobs had a status too).
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "asn_portal.models.EmployeeStatus",
        "ReportJobStatusEnum": "asn_portal.models.ReportJob.Status",
    },
    # No call to validator.swagger.io: intranets are offline and the docs must not leak.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Every operation documents the error body for 400/401/403/404 (asn_portal.drf).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "asn_portal.drf.document_error_responses",
    ],
}

# --- Celery --------------------------------------------------------------------------------
# With REDIS_URL: Redis is broker and result store. Without it, tasks run eagerly in-process
# (the embedded default), so `make run` needs no broker.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A write whose task cannot be published (Redis down) must not hang the request: two quick
# tries, then asn_portal.dispatch logs it and the sweep sends it later (the row says what is owed).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_RESULT_EXPIRES = timedelta(days=1)
# A task whose worker is killed goes back to the queue (report jobs, e-mail batches).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Workers log through LOGGING below (JSON in production), not Celery's own handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Security (production values unless DEBUG) ---------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG and not TESTING)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG and not TESTING)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG or TESTING else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG and not TESTING)
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# No script reads the CSRF cookie: pages and htmx send the token rendered into the page
# (base.html's hx-headers), so the cookie can be hidden from JavaScript.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (django-csp): scripts only from SIGAP's own static files, never
# inline (static/js/ holds every page behaviour). 'unsafe-inline' stays for styles only:
# templates use style="" attributes and htmx adds its indicator <style>. The nonce appears
# only in responses whose template asks for one: the API docs (templates/drf_spectacular/),
# whose settings script is generated per request.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
# /healthz is polled over plain HTTP by the container runtime.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Logging: one line per event on stdout; JSON in production ---------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG or TESTING else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)-7s %(name)s: %(message)s"},
    },
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": sys.stdout, "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}
