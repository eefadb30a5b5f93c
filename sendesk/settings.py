"""The one settings module. Everything that differs between machines comes from the
environment, read strictly: a malformed value stops start-up instead of being guessed."""

import base64
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
# The secret offline keys are derived from (offline.models.derive_key), never stored in the
# database. Its own variable lets SECRET_KEY be rotated without making every tablet's kept
# records unreadable; changing this one does exactly that.
OFFLINE_KEY_SECRET = os.environ.get("SENDESK_OFFLINE_KEY_SECRET") or SECRET_KEY
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
    "sendesk.agencies",
    "sendesk.consent",
    "sendesk.provision",
    "sendesk.audit",
    "sendesk.signin",
    "sendesk.notifications",
    "sendesk.staff",
    "sendesk.behaviour",
    "sendesk.safeguarding",
    "sendesk.care",
    "sendesk.medication",
    "sendesk.therapy",
    "sendesk.assessment",
    "sendesk.evidence",
    "sendesk.reviews",
    "sendesk.homeschool",
    "sendesk.family",
    "sendesk.visits",
    "sendesk.appraisal",
    "sendesk.deployment",
    "sendesk.exams",
    "sendesk.imports",
    "sendesk.census",
    "sendesk.records",
    "sendesk.backups",
    "sendesk.offline",
    "sendesk.trust",
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

# Every page that sets a password runs these (sendesk/signin/passwords.py): at least 12
# characters, not a common one, not containing the e-mail name or the school's name.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "sendesk.signin.passwords.LongEnough"},
    {"NAME": "sendesk.signin.passwords.NotCommon"},
    {"NAME": "sendesk.signin.passwords.NotEmailName"},
    {"NAME": "sendesk.signin.passwords.NotSchoolName"},
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

# --- accounts: invites, password resets, demo mode ---
# A link in an invite or a "forgot password" e-mail works once (it covers the password
# hash) and for this long: 72 hours, said here rather than left to Django's default.
PASSWORD_RESET_TIMEOUT = 60 * 60 * 72
# Demo mode: the demo school, its logins with a published password, and a banner on every
# page. Off unless asked for (`make run` asks, unless SENDESK_DEMO=0): a real school's
# empty database gets no accounts at all; `manage.py createadmin` makes the first head.
DEMO_MODE = env_bool("SENDESK_DEMO", False)
TEMPLATES[0]["OPTIONS"]["context_processors"].append("sendesk.demo.context.demo_mode")

# --- lockout: failed sign-ins lock an account and slow an address (django-axes) ---
# SENDESK_LOCKOUT_FAILURES failures for one account (the address tried) within
# SENDESK_LOCKOUT_MINUTES lock it for SENDESK_LOCKOUT_MINUTES, on the form, the API and
# /admin/ alike; SENDESK_LOCKOUT_ADDRESS_FAILURES failures from one IP address across any
# accounts in that time pause sign-in from it until they age out. The address limit is
# well above one person's: a school's staff usually share one public address.


def _env_count(name: str, default: int, least: int = 1) -> int:
    """A whole number from the environment, at least `least`; anything else stops start-up
    with a line that says which variable and why."""
    raw = os.environ.get(name) or str(default)
    if not raw.isdigit() or int(raw) < least:
        raise ImproperlyConfigured(f"{name} must be a whole number of {least} or more, not {raw!r}")
    return int(raw)


SENDESK_LOCKOUT_FAILURES = _env_count("SENDESK_LOCKOUT_FAILURES", 5)
SENDESK_LOCKOUT_MINUTES = _env_count("SENDESK_LOCKOUT_MINUTES", 15)
SENDESK_LOCKOUT_ADDRESS_FAILURES = _env_count("SENDESK_LOCKOUT_ADDRESS_FAILURES", 30)

INSTALLED_APPS += ["axes"]
# Last, as axes asks: it turns a sign-in refused for a lockout into a 429.
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
# First: refuses a locked account or address before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", *AUTHENTICATION_BACKENDS]
AXES_HANDLER = "sendesk.signin.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = "sendesk.signin.lockout.failure_limit"
AXES_COOLOFF_TIME = "sendesk.signin.lockout.cool_off"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "sendesk.signin.lockout.username_of"
AXES_CLIENT_IP_CALLABLE = "sendesk.signin.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "sendesk.signin.lockout.lockout_response"
# A try refused while locked does not restart the lock: it lasts its minutes.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A success does not wipe the count (one valid login must not reset a spraying address).
AXES_RESET_ON_SUCCESS = False
# Sign-ins and failures are in the security trail (audit.SecurityEvent); axes's own logs
# would repeat it, so they are off and its tables stay out of the set-up screens.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_ENABLE_ADMIN = False

# --- csp: Content-Security-Policy and HTTPS ---
# Every response says the page runs only the site's own files: no inline script or style,
# no eval, nothing from elsewhere, not framed. Injected markup (a name or a note with HTML
# in it, were escaping ever missed) then cannot run or restyle the page. Pages keep their
# code in sendesk/static (tests/test_csp.py fails on any inline style, script or handler).
INSTALLED_APPS += ["csp"]  # its system checks catch settings in the old 3.x form
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "csp.middleware.CSPMiddleware",
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}


def https_settings(*, https: bool, proxy_header: str, hsts_seconds: int, preload: bool) -> dict:
    """The settings SENDESK_HTTPS=1 and SENDESK_TRUSTED_PROXY_HEADER turn on (a function so
    that tests can apply exactly what an environment gives)."""
    out: dict = {}
    if proxy_header:
        # Only when the proxy in front sets this header on every request (overwriting what
        # the client sent): Django then takes "https" in it as the request being secure.
        if not (proxy_header.isascii() and proxy_header.replace("-", "").isalnum()):
            raise ImproperlyConfigured(
                "SENDESK_TRUSTED_PROXY_HEADER must be a header name such as "
                f"X-Forwarded-Proto, not {proxy_header!r}"
            )
        out["SECURE_PROXY_SSL_HEADER"] = ("HTTP_" + proxy_header.upper().replace("-", "_"), "https")
    if not https:
        return out
    out.update(
        SECURE_SSL_REDIRECT=True,
        # A load balancer's health check may come over plain HTTP from inside.
        SECURE_REDIRECT_EXEMPT=[r"^healthz$"],
        SECURE_HSTS_SECONDS=hsts_seconds,
        SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
        SECURE_HSTS_PRELOAD=preload,
        SESSION_COOKIE_SECURE=True,
        CSRF_COOKIE_SECURE=True,
    )
    if not preload:
        # Preloading puts the whole domain on the browsers' built-in HTTPS-only list, hard
        # to undo and binding every other service of the school's domain: the school's IT
        # decides (SENDESK_HSTS_PRELOAD=1), so check --deploy is not asked to nag about it.
        out["SILENCED_SYSTEM_CHECKS"] = ["security.W021"]
    return out


_https = https_settings(
    https=env_bool("SENDESK_HTTPS", False),
    proxy_header=os.environ.get("SENDESK_TRUSTED_PROXY_HEADER", "").strip(),
    hsts_seconds=_env_count("SENDESK_HSTS_SECONDS", 60 * 60 * 24 * 365, least=0),
    preload=env_bool("SENDESK_HSTS_PRELOAD", False),
)
SILENCED_SYSTEM_CHECKS = [
    *globals().get("SILENCED_SYSTEM_CHECKS", []),
    *_https.pop("SILENCED_SYSTEM_CHECKS", []),
]
globals().update(_https)  # SECURE_*, SESSION_/CSRF_COOKIE_SECURE as the environment says

# --- tokens: API tokens and web sessions end ---
# Read strictly, as the lockout numbers above (_env_count): a malformed value stops start-up.
# An API token ends 8 hours after it was last used, and 30 days after it was made however
# often it is used; each use moves the first limit on (to the minute), never the second.
SENDESK_TOKEN_IDLE_HOURS = _env_count("SENDESK_TOKEN_IDLE_HOURS", 8)
SENDESK_TOKEN_MAX_DAYS = _env_count("SENDESK_TOKEN_MAX_DAYS", 30)
# A web session ends after 30 minutes with no request, and SESSION_COOKIE_AGE (10 hours)
# after signing in whatever happens; the page warns SENDESK_SESSION_WARN_SECONDS before.
SENDESK_SESSION_IDLE_MINUTES = _env_count("SENDESK_SESSION_IDLE_MINUTES", 30)
SENDESK_SESSION_WARN_SECONDS = 120
# As soon as the user and messages are known: an ended session signs out (and says why)
# before anything else (the second-factor gate included) looks at who is signed in.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "sendesk.signin.sessions.SessionLimitsMiddleware",
)

# --- mfa: the second factor (django-otp: authenticator apps and recovery codes) ---
# django-otp's apps go before ours, so that sendesk.signin.admin can take its devices out of
# the admin: a second factor is reset only through the audited page.
_at = INSTALLED_APPS.index("sendesk.accounts")
INSTALLED_APPS[_at:_at] = [
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]
# OTPMiddleware marks a session verified (request.user.is_verified()); the gate right after
# it sends someone who still owes a second factor to the second step or to set-up, before
# any other page (/admin/ included).
_at = MIDDLEWARE.index("sendesk.signin.sessions.SessionLimitsMiddleware") + 1
MIDDLEWARE[_at:_at] = [
    "django_otp.middleware.OTPMiddleware",
    "sendesk.signin.mfa_gate.SecondFactorGate",
]
# What an authenticator app shows beside the code.
OTP_TOTP_ISSUER = "SENDesk"
# The demo accounts that must use a second factor share this authenticator secret (base32),
# printed by `make run` beside the password, so that anyone trying the demo can add it to an
# app. Only the demo school uses it.
DEMO_TOTP_SECRET = os.environ.get("SENDESK_DEMO_TOTP_SECRET") or "OAKFIELDDEMOMFAOAKFIELDDEMOMFA23"
DEMO_TOTP_SECRET = DEMO_TOTP_SECRET.strip().upper()
try:
    if len(base64.b32decode(DEMO_TOTP_SECRET)) < 10:
        raise ValueError
except ValueError:
    raise ImproperlyConfigured(
        "SENDESK_DEMO_TOTP_SECRET must be base32 (letters A-Z and digits 2-7) of at least "
        "16 characters, a multiple of 8 long, as authenticator apps take it"
    ) from None

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

# --- speed4: the reads every request makes, in SQL ---
# Django's database sessions (the same table and rows), with the read every signed-in
# request makes written in SQL (sendesk/signin/session_store.py).
SESSION_ENGINE = "sendesk.signin.session_store"
# django-otp's middleware, with the verified session's device read by a raw query.
MIDDLEWARE[MIDDLEWARE.index("django_otp.middleware.OTPMiddleware")] = (
    "sendesk.signin.mfa_gate.DeviceMiddleware"
)

# --- media10: evidence in pictures and sound ---
# Where photos, videos, recordings and scans are kept: under var/, never under a URL the web
# server serves (each is read through the access layer, sendesk/evidence/views.py).
EVIDENCE_DIR = Path(os.environ.get("SENDESK_EVIDENCE_DIR", VAR_DIR / "evidence"))
# The largest file of each kind, in bytes: a phone's photo is 2-8 MB, a minute of its
# video about 100 MB at 1080p (the page asks for short clips).
EVIDENCE_MAX_BYTES = {
    "photo": 20 * 1024 * 1024,
    "work": 20 * 1024 * 1024,
    "audio": 30 * 1024 * 1024,
    "video": 150 * 1024 * 1024,
}

# --- notify11: notifications, e-mail and the daily schedule ---
# When (school time, HH:MM) the daily checks run and the digests go: before the school
# day, so the morning's e-mail says what needs doing today.
NOTIFICATIONS_DAILY_AT = os.environ.get("SENDESK_NOTIFICATIONS_DAILY_AT", "06:30")
_hh, _, _mm = NOTIFICATIONS_DAILY_AT.partition(":")
if not (len(_hh) == len(_mm) == 2 and _hh.isdigit() and _mm.isdigit()) or not (
    int(_hh) < 24 and int(_mm) < 60
):
    raise ImproperlyConfigured(
        f"SENDESK_NOTIFICATIONS_DAILY_AT must be a time like 06:30, not {NOTIFICATIONS_DAILY_AT!r}"
    )

# --- prof11: professionals' report files ---
# The largest report file (a PDF, or a photo or scan of a paper report) a professional or
# the SENCO may attach to a report; kept under EVIDENCE_DIR/reports, never served directly.
REPORT_MAX_BYTES = 20 * 1024 * 1024

# --- backup12: backup and restore ---
# Where `manage.py backup` writes (and `restore` makes its scratch copy): a folder of its own,
# kept off the web server's reach; copy it off the machine (README "Running it for real").
# The key is never a setting: the commands read SENDESK_BACKUP_KEY from the environment.
BACKUP_DIR = Path(os.environ.get("SENDESK_BACKUP_DIR", VAR_DIR / "backups"))
# How many backups rotation keeps (the newest); 14: two weeks of nightly copies.
_backup_keep = os.environ.get("SENDESK_BACKUP_KEEP", "14")
if not _backup_keep.isdigit() or int(_backup_keep) < 1:
    raise ImproperlyConfigured(
        f"SENDESK_BACKUP_KEEP must be a whole number of backups, 1 or more, not {_backup_keep!r}"
    )
BACKUP_KEEP = int(_backup_keep)
# The folder holding pg_dump and pg_restore when they are not on PATH (or PATH's are older
# than the server: pg_dump must be at least the server's version).
BACKUP_PG_BIN_DIR = os.environ.get("SENDESK_PG_BIN_DIR", "")
# --- imports12: imports (CTF, OneRoster, CSV) ---
# The largest file an import takes, in bytes: a 1,000-pupil CTF with SEN history is a few
# MB, a OneRoster zip for a secondary school rather more.
IMPORTS_MAX_BYTES = int(os.environ.get("SENDESK_IMPORTS_MAX_BYTES", 30 * 1024 * 1024))
# --- sar12: subject access requests ---
# Where a request's download (the PDF and the JSON) is kept until it is released: under
# var/, never under a URL the web server serves (read through sendesk/records/views.py).
RECORDS_DIR = Path(os.environ.get("SENDESK_RECORDS_DIR", VAR_DIR / "records"))
# --- leavers12: leavers' records kept read-only ---
# A write about a pupil who has left, refused where a page did not catch it: a 409 page
# saying so, not a server error (sendesk.front.middleware).
MIDDLEWARE += ["sendesk.front.middleware.LeaverReadOnlyMiddleware"]
# --- Several app servers on one PostgreSQL (issue 13) ---
# SENDESK_DB_POOL=N (PostgreSQL only) gives each server process a pool of at most N
# connections (psycopg's pool), shared by its threads: a thread borrows one for a request and
# gives it back. Without it (0, the default) each thread keeps its own connection for
# CONN_MAX_AGE, so servers × workers × threads connections stay open against the database's
# max_connections even when idle. See README "Running it for real".
SENDESK_DB_POOL = _env_count("SENDESK_DB_POOL", 0, least=0)
if SENDESK_DB_POOL:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "SENDESK_DB_POOL pools PostgreSQL connections: set DATABASE_URL to a postgres:// "
            "address, or unset SENDESK_DB_POOL"
        )
    # The pool keeps the connections; Django refuses persistent connections beside it.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(2, SENDESK_DB_POOL),
        "max_size": SENDESK_DB_POOL,
        # A request waits this long for a free connection, then fails with a 503.
        "timeout": 10,
    }
