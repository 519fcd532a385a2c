"""Production: PostgreSQL, secrets from the environment, HTTPS only."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


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
        "CONN_MAX_AGE": 60,
    }
}
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
