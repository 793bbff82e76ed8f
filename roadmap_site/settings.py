"""Settings for the Python backend roadmap site.

Everything comes from environment variables with safe development defaults:
with nothing set, the site runs in debug mode on an embedded SQLite file and
prints emails to the console. See `.env.example` for the full list.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str) -> str:
    """The variable's value; unset or left empty (as in .env.example) means the default."""
    return os.getenv(name, "").strip() or default


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, str(default)).lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(env(name, str(default)))


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# ---------------------------------------------------------------- core

DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Development only: a fixed, obviously insecure key.
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The public origin (scheme and host, no path): canonical URLs name it, whatever
# Host header a request came with.
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
]
THIRD_PARTY_APPS = [
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.google",
]
LOCAL_APPS = [
    "roadmap",
    "courses",
    "progress",
    "groups",
    "plans",
    "roadmap_site",  # connects the visitors' page cache invalidation (page_cache.py)
]
# django_tasks_db comes after the local apps: roadmap_site's own `db_worker` command
# (which wraps the library's) wins over the library's.
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS + ["django_tasks_db"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "roadmap_site.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "roadmap_site.middleware.PrivateForSessionsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "roadmap_site.middleware.MethodNotAllowedPageMiddleware",
]

ROOT_URLCONF = "roadmap_site.urls"
WSGI_APPLICATION = "roadmap_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "progress.context_processors.tracking",
                "roadmap_site.context_processors.site",
            ],
        },
    },
]

# ---------------------------------------------------------------- database

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite takes one writer at a time. Every transaction claims the write lock when
    # it begins (IMMEDIATE), so it never fails halfway as "database is locked" when it
    # turns from reading to writing; a writer waits up to `timeout` seconds for the
    # lock instead of failing at once; WAL lets readers go on while someone writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }
    # Tests run on a file set up like the site's, never on shared-cache memory, whose
    # table locks fail concurrent writers at once whatever the timeout.
    _site_db = Path(DATABASES["default"]["NAME"])
    if _site_db.name != ":memory:":
        DATABASES["default"]["TEST"] = {"NAME": str(_site_db.with_name(f"test_{_site_db.name}"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ---------------------------------------------------------------- cache

# Two caches for two kinds of data. Redis is an accelerator, never a dependency.
# - "default" holds what must be shared and up whenever the site is: django-allauth's
#   sign-in limits (allauth always uses the default cache) and the content version
#   (roadmap_site/page_cache.py). It is Django's database cache, in the site's own
#   database; `migrate` makes its table. MAX_ENTRIES is high so that a flood of
#   addresses cannot push a limit out.
# - "pages" keeps visitors' pages, in Redis, only when REDIS_URL is set. Without
#   Redis no page is kept: a copy per process could not know of another's edit.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    }
}
REDIS_URL = os.getenv("REDIS_URL", "")
if REDIS_URL:
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": os.getenv("CACHE_KEY_PREFIX", "roadmap"),
        "OPTIONS": {
            # A Redis that hangs costs a request at most this long (and then this
            # process leaves it alone for a few seconds: page_cache.py).
            "socket_connect_timeout": 0.25,
            "socket_timeout": 0.25,
            # Each new connection first drops Redis's copy of the content version.
            "pool_class": "roadmap_site.page_cache.PagesConnectionPool",
        },
    }

# Visitors' pages (the roadmap, stages, steps, the catalogue) carry no per-person
# state and are kept in Redis this long, or until an editor changes content
# (roadmap_site/page_cache.py). 0 turns the page cache off; it is off without Redis.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600) if REDIS_URL else 0

# Sessions live in the database: they survive any cache outage or flush.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# ---------------------------------------------------------------- auth (django-allauth)

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "progress:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "roadmap:index"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Python Backend Roadmap] "
ACCOUNT_SESSION_REMEMBER = None
# Keeps the per-account sign-in limit whatever the Host header (roadmap_site/adapters.py).
ACCOUNT_ADAPTER = "roadmap_site.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "roadmap_site.account_forms.SignInForm"}
# Brute-force limits, kept in the default cache: the database, so shared by every
# app server and held whatever Redis does. The admin sign-in goes through
# allauth's login too (see roadmap_site/urls.py).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}
# The per-address limits count the address in X-Forwarded-For only behind this
# many reverse proxies that append to it (1 for one proxy). At 0 the header is
# ignored, so a client cannot choose its address; behind a proxy, though, every
# client then shares the proxy's address and its limits.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("ALLAUTH_TRUSTED_PROXY_COUNT", 0)

# Social sign-in: a provider's button appears only when it is configured, here
# from the environment or in the admin (Social applications).
SOCIALACCOUNT_PROVIDERS: dict[str, dict] = {
    "github": {"SCOPE": ["user:email"]},
    "google": {"SCOPE": ["profile", "email"], "AUTH_PARAMS": {"access_type": "online"}},
}
for _provider in ("github", "google"):
    _client_id = os.getenv(f"{_provider.upper()}_CLIENT_ID", "")
    if _client_id:
        SOCIALACCOUNT_PROVIDERS[_provider]["APPS"] = [
            {"client_id": _client_id, "secret": os.getenv(f"{_provider.upper()}_CLIENT_SECRET", "")}
        ]
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True

# ---------------------------------------------------------------- email

# Django 6.1 configures mail through MAILERS. "default", what Django and allauth send
# through, only queues a task per message (roadmap_site/mail.py); the task sends it
# through "outgoing": the console by default (the sign-up confirmation email shows in
# `make run`'s output), SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.getenv("EMAIL_HOST", "")
if EMAIL_HOST:
    OUTGOING_MAILER = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": EMAIL_HOST,
            "port": env_int("EMAIL_PORT", 587),
            "username": os.getenv("EMAIL_HOST_USER", ""),
            "password": os.getenv("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", True),
            "timeout": env_int("EMAIL_TIMEOUT", 10),
        },
    }
else:
    OUTGOING_MAILER = {"BACKEND": "roadmap_site.mail.ReadableConsoleEmailBackend"}
MAILERS = {
    "default": {"BACKEND": "roadmap_site.mail.QueuedEmailBackend"},
    "outgoing": OUTGOING_MAILER,
}
del EMAIL_HOST  # a deprecated setting name in Django 6.1: keep it out of settings
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "Python Backend Roadmap <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# ---------------------------------------------------------------- background tasks

# Django's tasks framework. "immediate" (the default) runs a task inside the request
# that enqueues it, as `make run` wants; "database" stores it in the site's database
# (django-tasks-db) for `manage.py db_worker` processes to run.
TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS_BACKEND = env("TASKS_BACKEND", "immediate")
if TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}, not {TASKS_BACKEND!r}."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASKS_BACKEND]}}
# A task still marked running this many seconds after it started is taken to belong
# to a worker that died, and `db_worker` runs it again. Keep it well above the longest
# task (an email takes at most a few EMAIL_TIMEOUTs).
TASKS_RUNNING_TIMEOUT = env_int("TASKS_RUNNING_TIMEOUT", 300)

# ---------------------------------------------------------------- i18n

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------- static files

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.getenv("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# The seeded roadmap and course catalogue: `manage.py loaddata roadmap courses`.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# ---------------------------------------------------------------- security

SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "roadmap_site.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True

# Content Security Policy (Django's own middleware), in development too, so an
# inline script or style="" shows up at once: everything comes from our origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    # Social sign-in starts with a POST here that redirects to the provider, and
    # browsers hold that redirect to form-action too.
    "form-action": [CSP.SELF, "https://github.com", "https://accounts.google.com"],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# The benchmark's views (bench/views.py: the baseline and the naive pages) exist
# only when this is on.
BENCH = env_bool("BENCH", False)
if BENCH:
    INSTALLED_APPS.append("bench")

# ---------------------------------------------------------------- logging

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # A task's start and end, at INFO, would crowd `make run`'s console; `db_worker`
        # logs them (its -v option).
        "django.tasks": {"level": "WARNING"},
    },
}
