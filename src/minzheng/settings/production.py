"""Production: PostgreSQL through a connection pool, secrets from the environment, HTTPS only, static
files with hashed names served compressed by whitenoise. Served by gunicorn (deploy/), the job queue's
worker (`minzheng db_worker`) beside it; docs/deploy.md."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import MIDDLEWARE


def _required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"环境变量 {name} 未设置")
    return value


SECRET_KEY = _required("MINZHENG_SECRET_KEY")
FIELD_ENCRYPTION_KEYS = _required("MINZHENG_FIELD_KEYS").split(",")
FIELD_HASH_KEY = _required("MINZHENG_HASH_KEY")
AUDIT_HMAC_KEY = _required("MINZHENG_AUDIT_KEY")  # the audit chain's key: never in the database
ALLOWED_HOSTS = os.environ.get("MINZHENG_ALLOWED_HOSTS", "localhost").split(",")
DEBUG = False
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("PGDATABASE", "minzheng"),
        "USER": os.environ.get("PGUSER", "minzheng"),
        "PASSWORD": os.environ.get("PGPASSWORD", ""),
        "HOST": os.environ.get("PGHOST", "127.0.0.1"),
        "PORT": os.environ.get("PGPORT", "5432"),
        # psycopg 3's pool (psycopg-pool), per process: a gunicorn worker serves one request at a time,
        # so a few connections each; the pool replaces CONN_MAX_AGE (Django refuses both).
        "OPTIONS": {
            "pool": {
                "min_size": int(os.environ.get("MINZHENG_DB_POOL_MIN", "1")),
                "max_size": int(os.environ.get("MINZHENG_DB_POOL_MAX", "4")),
                "timeout": 10,
            }
        },
    }
}
# Static files: collectstatic writes hashed, gzip/brotli-compressed copies to STATIC_ROOT; whitenoise
# serves them from the web process with far-future cache headers (nginx may serve STATIC_ROOT instead).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
