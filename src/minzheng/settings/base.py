"""Settings shared by every environment. Environment-specific files import * from here."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
_CHECKOUT = BASE_DIR.parent.parent  # the repository root when installed editable (make run)
_DEFAULT_DATA = _CHECKOUT / "var" if (_CHECKOUT / "pyproject.toml").exists() else Path.cwd() / "var"
DATA_DIR = Path(os.environ.get("MINZHENG_DATA_DIR", _DEFAULT_DATA)).resolve()

SECRET_KEY = os.environ.get("MINZHENG_SECRET_KEY", "dev-only-not-secret-" + "x" * 40)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    # First, so its `changepassword` (through user_set_password: tokens die) replaces Django's.
    "minzheng.accounts",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",  # the job queue (backport of Django 6's Tasks); docs/deploy.md says why
    "django_tasks_db",  # its database backend: the queue is a table, the worker `minzheng db_worker`
    "minzheng.core",
    "minzheng.regions",
    "minzheng.audit",
    "minzheng.deskjobs",  # 我的任务: payroll rolls, big exports and letter batches as queued jobs
    "minzheng.policy",
    "minzheng.people",
    "minzheng.casework",
    "minzheng.exchange",
    "minzheng.programmes",
    "minzheng.benefits",
    "minzheng.assistance",
    "minzheng.elderly",
    "minzheng.students",
    "minzheng.integrity",
    "minzheng.specialfamilies",
    "minzheng.mobile",
    "minzheng.funds",
    "minzheng.cockpit",
    "minzheng.facilities",
    "minzheng.visits",
    "minzheng.homecare",
    "minzheng.children",
    "minzheng.disability",
    "minzheng.protection",
    "minzheng.charity",
    "minzheng.funeral",
    "minzheng.vagrants",
    "minzheng.marriage",
    "minzheng.placenames",
    "minzheng.orgs",
    "minzheng.governance",
    "minzheng.villageaffairs",
    "minzheng.credit",
    "minzheng.volunteers",
    "minzheng.citizen",
    "minzheng.verification",
    "minzheng.monitoring",
    "minzheng.web",
    "minzheng.demo",  # demo city and its commands (setup_demo, demo_city); nothing imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "minzheng.core.middleware.SecurityHeadersMiddleware",
    "minzheng.mobile.middleware.FieldGeolocationMiddleware",  # field forms may ask for the position
    "django.contrib.sessions.middleware.SessionMiddleware",
    "minzheng.core.middleware.RejectNulMiddleware",
    "minzheng.core.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "minzheng.accounts.otp.RequireOTPMiddleware",
    "minzheng.mobile.middleware.CacheOwnerMiddleware",  # whose pages the phone's service worker keeps
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "minzheng.accounts.permissions.DenialAuditMiddleware",
    "minzheng.web.errors.FriendlyErrorsMiddleware",  # Chinese 404/405 pages under DEBUG too
]

ROOT_URLCONF = "minzheng.urls"
WSGI_APPLICATION = "minzheng.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

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
            ],
        },
    },
]


def _database() -> dict[str, object]:
    if os.environ.get("MINZHENG_DB", "sqlite") == "postgres":
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.environ.get("PGDATABASE", "minzheng"),
            "USER": os.environ.get("PGUSER", "minzheng"),
            "PASSWORD": os.environ.get("PGPASSWORD", ""),
            "HOST": os.environ.get("PGHOST", "127.0.0.1"),
            "PORT": os.environ.get("PGPORT", "5432"),
            "ATOMIC_REQUESTS": False,
        }
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "minzheng.sqlite3",
        "OPTIONS": {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL;",
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background jobs (snapshot imports and the screening that follows them) are rows of the tasks table,
# run by a separate worker process (`minzheng db_worker`): a restart of the web server never stops one.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A job that failed for a passing reason (database connection lost, the snapshot store busy past
# SNAPSHOT_JOB_WAIT_SECONDS) is queued again, at most this many attempts in all, this far apart.
JOB_MAX_ATTEMPTS = 3
JOB_RETRY_SECONDS = 60
# Desk jobs (deskjobs): an Excel export of more rows than this runs as a job and is downloaded from 我的任务;
# the jobs' files live under DATA_DIR/jobs and are removed this many days after the job ended.
EXPORT_JOB_ROWS = 5000
JOB_FILES_DIR = DATA_DIR / "jobs"
JOB_FILE_KEEP_DAYS = 7

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (MLPS-3), shared by the login page and the API token endpoint (accounts/lockout.py):
# per account, exponential back-off after 5 failures (1, 2, 4 … minutes, at most 60); per client address,
# 20 failures in 10 minutes across any accounts make that address wait. Failures are forgotten after a day.
AXES_HANDLER = "minzheng.accounts.lockout.BackoffHandler"
AXES_LOCKOUT_CALLABLE = "minzheng.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "minzheng.accounts.network.client_ip"
AXES_LOCKOUT_PARAMETERS = ["username"]  # the address is throttled by BackoffHandler, across accounts
SILENCED_SYSTEM_CHECKS = ["axes.W006"]  # "no ip_address parameter": see the line above
AXES_LOCK_OUT_AT_FAILURE = False  # the lock decision is BackoffHandler.is_locked
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = dt.timedelta(hours=24)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # refused attempts do not lengthen the wait
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # one row per failure: the per-address window counts them
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
MINZHENG_LOCKOUT_THRESHOLD = 5
MINZHENG_LOCKOUT_BASE_MINUTES = 1
MINZHENG_LOCKOUT_MAX_MINUTES = 60
MINZHENG_IP_FAILURE_LIMIT = 20
MINZHENG_IP_FAILURE_WINDOW_MINUTES = 10
# Reverse proxies whose X-Forwarded-For is believed (IPs or CIDRs); empty: REMOTE_ADDR is the client.
MINZHENG_TRUSTED_PROXIES: list[str] = [
    p.strip() for p in os.environ.get("MINZHENG_TRUSTED_PROXIES", "").split(",") if p.strip()
]
# API bearer tokens: lifetime in days (they also die with a password or role change, and can be revoked).
MINZHENG_API_TOKEN_DAYS = 30

# Second factor (TOTP) for every staff role above village assistant (MLPS-3 / issue 7).
OTP_REQUIRED_ROLES = [
    "township_clerk",
    "township_approver",
    "county_officer",
    "county_finance",
    "city_officer",
    "auditor",
    "sysadmin",
    # the new lines' township and county staff; child case files are the most sensitive data held
    "elderly_officer",
    "child_welfare_officer",
    "child_supervisor",
    "child_director",
    "social_affairs_officer",
    "org_officer",
]
OTP_TOTP_ISSUER = "minzheng 民政"

# Idle session timeout: 30 minutes, renewed on every request.
SESSION_COOKIE_AGE = 30 * 60
# 掌上办: how long the phone's service worker keeps a visited field page (names, masked IDs) for use
# without signal; older copies are deleted, never shown (mobile/sw.js).
MOBILE_PAGE_CACHE_HOURS = 24
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
SNAPSHOT_DIR = DATA_DIR / "snapshots"
# Declares that SNAPSHOT_DIR lies on an encrypted volume (exchange/checks.py warns at startup otherwise).
SNAPSHOT_VOLUME_ENCRYPTED = os.environ.get("MINZHENG_SNAPSHOT_VOLUME_ENCRYPTED", "") == "1"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Field encryption (PIPL art. 28): Fernet keys, first one encrypts, all decrypt (rotation); a separate
# HMAC key makes the keyed hash used for exact-match search. Production reads both from the environment.
FIELD_ENCRYPTION_KEYS = [
    k
    for k in os.environ.get("MINZHENG_FIELD_KEYS", "ZGV2LW9ubHkta2V5LWRvLW5vdC11c2UtaW4tcHJvZA==").split(",")
    if k
]
FIELD_HASH_KEY = os.environ.get("MINZHENG_HASH_KEY", "dev-only-hash-key")

# Audit log (MLPS 8.1.4.3): the hash chain is an HMAC under a key kept outside the database, and its head
# is signed daily into an append-only file outside the database (`minzheng audit anchor`, cron).
AUDIT_HMAC_KEY = os.environ.get("MINZHENG_AUDIT_KEY", "dev-only-audit-key")
AUDIT_ANCHOR_FILE = Path(os.environ.get("MINZHENG_AUDIT_ANCHOR_FILE", DATA_DIR / "audit-anchors.log"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_pii": {"()": "minzheng.core.pii.RedactPiiFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_pii"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# 指尖办 (citizen app): how the SMS sign-in code is sent ("module.Class" with send(*, person, phone, text));
# the local backend writes the message to the outbox table and the log (development, tests, the demo).
CITIZEN_SMS_BACKEND = "minzheng.citizen.sms.LocalBackend"
CITIZEN_CODE_MINUTES = 5  # a code is valid this long
CITIZEN_CODE_ATTEMPTS = 5  # wrong tries before a code is dead
CITIZEN_CODES_PER_HOUR = 5  # codes sent to one person (or from one address) per hour
CITIZEN_SESSION_HOURS = 2
CITIZEN_COOKIE = "mz_citizen"
PLACENAMES_PUBLIC_PER_MINUTE = 30  # public gazetteer searches answered per address and minute
# The signed-in resident of a request, for a line's 指尖办 page outside the citizen app (the funeral
# family's case page): "module:attr" of `(cookie value) -> Citizen | None`, so no line imports citizen.
CITIZEN_RESOLVER = "minzheng.citizen.selectors:citizen_from_key"

NINJA_PAGINATION_PER_PAGE = 50
