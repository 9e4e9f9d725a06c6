"""Settings from the environment, healthchecks-style: every knob is an environment variable with
a safe default for an office intranet PC.

Database: ``SEMESTA_DB_URL`` (``sqlite:////path/db.sqlite3`` or
``postgresql://user:password@host:5432/name``, ``?host=/socket/dir&port=5432`` for a Unix
socket), else
``DATABASE_ENGINE`` (``sqlite`` | ``postgres``) with ``DATABASE_NAME``, ``DATABASE_USER``,
``DATABASE_PASSWORD``, ``DATABASE_HOST``, ``DATABASE_PORT``; else SQLite in the data folder.
``SEMESTA_SECRET_KEY`` is required unless ``SEMESTA_DEBUG=1`` (the ``semesta web`` commands
create one in the data folder on first use).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on", "ya")


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


WEB_DIR = Path(__file__).resolve().parent
DEBUG = _env_bool("SEMESTA_DEBUG")

# Where the app keeps its own files: the SQLite database, uploads, the jobs' log and lock.
SEMESTA_DATA_DIR = Path(os.environ.get("SEMESTA_DATA_DIR") or Path.cwd() / "semesta-web")
# The DuckDB workspace the upload jobs ingest into (one writer: the job process).
SEMESTA_WORKSPACE = Path(os.environ.get("SEMESTA_WORKSPACE") or SEMESTA_DATA_DIR / "workspace")
# "process": jobs run in a separate process (production); "inline": in the request (tests only).
SEMESTA_JOB_RUNNER = os.environ.get("SEMESTA_JOB_RUNNER", "process")
SEMESTA_SESSION_MINUTES = int(os.environ.get("SEMESTA_SESSION_MINUTES", "30"))
# Login rate limit: this many failures for one user name (or 4× from one address) within the
# window lock further attempts until the window has passed.
SEMESTA_LOGIN_FAILURES = int(os.environ.get("SEMESTA_LOGIN_FAILURES", "5"))
SEMESTA_LOGIN_WINDOW_MINUTES = int(os.environ.get("SEMESTA_LOGIN_WINDOW_MINUTES", "15"))
SEMESTA_MAX_UPLOAD_MB = int(os.environ.get("SEMESTA_MAX_UPLOAD_MB", "1024"))

SECRET_KEY = os.environ.get("SEMESTA_SECRET_KEY") or os.environ.get("DJANGO_SECRET_KEY") or ""
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SEMESTA_SECRET_KEY belum diisi (wajib kecuali SEMESTA_DEBUG=1) / "
            "SEMESTA_SECRET_KEY is not set (required unless SEMESTA_DEBUG=1)"
        )
    SECRET_KEY = "semesta-development-only-not-secret"

ALLOWED_HOSTS = _env_list("SEMESTA_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = _env_list("SEMESTA_CSRF_TRUSTED_ORIGINS", "")


def database_from_env(environ: os._Environ[str] | dict[str, str] = os.environ) -> dict:
    """The ``default`` database from ``SEMESTA_DB_URL``, ``DATABASE_*`` or SQLite."""
    url = environ.get("SEMESTA_DB_URL", "")
    if url:
        parsed = urlparse(url)
        query = parse_qs(parsed.query)
        if parsed.scheme == "sqlite":
            # sqlite:////abs/path (4 slashes) or sqlite:///relative/path
            config = {"ENGINE": "sqlite", "NAME": unquote(parsed.path[1:] or "")}
        elif parsed.scheme in ("postgres", "postgresql"):
            config = {
                "ENGINE": "postgres",
                "NAME": unquote(parsed.path.lstrip("/")),
                "USER": unquote(parsed.username or ""),
                "PASSWORD": unquote(parsed.password or ""),
                "HOST": query.get("host", [unquote(parsed.hostname or "")])[0],
                "PORT": query.get("port", [str(parsed.port or "")])[0],
            }
        else:
            raise ImproperlyConfigured(f"SEMESTA_DB_URL: unknown scheme {parsed.scheme!r}")
    else:
        config = {
            "ENGINE": environ.get("DATABASE_ENGINE", "sqlite"),
            "NAME": environ.get("DATABASE_NAME", ""),
            "USER": environ.get("DATABASE_USER", ""),
            "PASSWORD": environ.get("DATABASE_PASSWORD", ""),
            "HOST": environ.get("DATABASE_HOST", ""),
            "PORT": environ.get("DATABASE_PORT", ""),
        }
    # A job process opens exactly the database of the process that started it (in tests: the
    # test database), whatever the defaults say.
    if environ.get("SEMESTA_DB_NAME"):
        config["NAME"] = environ["SEMESTA_DB_NAME"]
    if config["ENGINE"] in ("sqlite", "sqlite3", "django.db.backends.sqlite3"):
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": config["NAME"] or str(SEMESTA_DATA_DIR / "semesta.sqlite3"),
            "OPTIONS": {
                # Jobs publish while pages are read and audit rows written: WAL lets readers go on,
                # IMMEDIATE transactions queue writers instead of failing with "locked".
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    if config["ENGINE"] in ("postgres", "postgresql", "django.db.backends.postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": config["NAME"] or "semesta",
            "USER": config["USER"],
            "PASSWORD": config["PASSWORD"],
            "HOST": config["HOST"],
            "PORT": config["PORT"],
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(f"DATABASE_ENGINE: unknown engine {config['ENGINE']!r}")


DATABASES = {"default": database_from_env()}

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "semesta.web.apps.WebConfig",
]
AUTH_USER_MODEL = "web.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "semesta.web.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "semesta.web.i18n.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "semesta.web.security.ActiveAccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "semesta.web.urls"
WSGI_APPLICATION = "semesta.web.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "semesta.web.context.navigation",
            ],
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after SEMESTA_SESSION_MINUTES without a request, and with the browser.
SESSION_COOKIE_AGE = SEMESTA_SESSION_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "semesta_session"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "semesta.web.views.errors.csrf_failure"

# Security headers (the Content-Security-Policy comes from semesta.web.security).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if _env_bool("SEMESTA_HTTPS"):  # behind a TLS-terminating proxy on the intranet
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Bahasa Indonesia by default, English by the switch; Indonesian number and date formats.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [WEB_DIR / "locale"]
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
TIME_ZONE = os.environ.get("SEMESTA_TIME_ZONE", "Asia/Jakarta")
LANGUAGE_COOKIE_NAME = "semesta_bahasa"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Static files are served by the app itself from the package (no collectstatic, no CDN).
STATIC_URL = "/static/"
STATIC_ROOT = WEB_DIR / "static"

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = None

# Logs carry no personal data: request logs name paths only (a NIK never is in a URL), and
# every record passes the NIK/KK redaction filter.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "semesta.web.privacy.RedactFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("SEMESTA_LOG_LEVEL", "WARNING")},
}
