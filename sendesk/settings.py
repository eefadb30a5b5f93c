"""The one settings module. Everything that differs between machines comes from the
environment, read strictly: a malformed value stops start-up instead of being guessed."""

import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SENDESK_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0/true/false/yes/no, not {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def _secret_key() -> str:
    # A stable key without configuration: generated once into var/ so sessions survive a
    # restart. Production sets SENDESK_SECRET_KEY.
    if key := os.environ.get("SENDESK_SECRET_KEY"):
        return key
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("SENDESK_DEBUG", False)
ALLOWED_HOSTS = env_list("SENDESK_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("SENDESK_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "sendesk.accounts",
    "sendesk.schools",
    "sendesk.pupils",
    "sendesk.plans",
    "sendesk.provision",
    "sendesk.audit",
    "sendesk.signin",
    "sendesk.staff",
    "sendesk.behaviour",
    "sendesk.safeguarding",
    "sendesk.care",
    "sendesk.medication",
    "sendesk.therapy",
    "sendesk.family",
    "sendesk.front",
    "sendesk.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "sendesk.front.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "sendesk.urls"
WSGI_APPLICATION = "sendesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sendesk" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sendesk.front.context.nav",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]

_default_db = f"sqlite:///{VAR_DIR / 'sendesk.sqlite3'}"
_database_url = os.environ.get("DATABASE_URL") or _default_db
if _database_url.startswith("sqlite:"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while a TA saves; IMMEDIATE takes the write lock at the
        # start of a transaction so two writers queue instead of failing mid-way.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not memory: tests that run threads (concurrent saves, the browser tests' live
    # server) then see one database with real locking, as production does.
    DATABASES["default"]["TEST"] = {
        # One per process, so two test runs on one machine never share a database.
        "NAME": os.environ.get("SENDESK_TEST_DB") or str(VAR_DIR / f"test-{os.getpid()}.sqlite3")
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["sendesk.accounts.backends.StaffBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request without it
STATICFILES_DIRS = [BASE_DIR / "sendesk" / "static"]
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 10  # a school day, then log in again
SESSION_COOKIE_SECURE = env_bool("SENDESK_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

DEMO_PASSWORD = os.environ.get("SENDESK_DEMO_PASSWORD") or "oakfield-demo"

# E-mail (an emergency dose tells the SENCO and the parents), sent by the task worker:
# printed to the server log unless SENDESK_EMAIL_URL names an SMTP server, as
# smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465 (TLS).
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
if _email_url := os.environ.get("SENDESK_EMAIL_URL"):
    _email = urlsplit(_email_url)
    if _email.scheme not in ("smtp", "smtps") or not _email.hostname:
        raise ImproperlyConfigured(
            "SENDESK_EMAIL_URL must look like smtp://user:password@host:587 or "
            f"smtps://user:password@host:465, not {_email.scheme or 'no scheme'}://…"
        )
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname
    EMAIL_PORT = _email.port or (465 if _email.scheme == "smtps" else 587)
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_SSL = _email.scheme == "smtps"
    EMAIL_USE_TLS = _email.scheme == "smtp" and EMAIL_PORT != 25
    EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("SENDESK_FROM_EMAIL", "SENDesk <no-reply@sendesk.invalid>")
# Where the site is reached, for links in e-mails (a message has no request to build
# an absolute address from).
SITE_URL = os.environ.get("SENDESK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Background work (e-mail) through Django's tasks API with the database backend: a task
# is written in the same transaction as the record it is about, so it exists exactly when
# the record does; `make run` starts the worker (manage.py db_worker) beside the server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# --- faults: the database's faults answered with a 503 that says what is wrong ---
# Right after WhiteNoise, so static files (the 503 page's stylesheet) are served without the
# database, and before the session and the user, so a fault anywhere after is answered.
MIDDLEWARE.insert(
    MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
    "sendesk.lib.faults.FaultsMiddleware",
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Memory-mapped I/O stays off (SQLite's default, said out loud): through a map, a read
    # that fails (the file truncated, a disk error) is a SIGBUS that kills the worker, where
    # read() gives SQLite an error it reports and the request gets a 503. (WAL mode maps its
    # small index file, -shm, whatever this says: sendesk/lib/faults.py map_unsafe.)
    DATABASES["default"]["OPTIONS"]["init_command"] += " PRAGMA mmap_size=0;"
