"""Settings every service starts from; each service's settings.py imports this and adds its own.

Values come from config.env (the one reader of the environment). Nothing here reaches the network.
"""

from typing import Any

from config.env import (
    allowed_hosts,
    compression_min_bytes,
    database_settings,
    debug,
    demo_users_allowed,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_str,
    is_production,
    redis_url,
)
from config.logging import configured_logging
from credentials.keys import django_secret_key, previous_public_key_pems

PRODUCTION = is_production()
DEBUG = debug()
SECRET_KEY = django_secret_key()
ALLOWED_HOSTS = allowed_hosts()

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "shared_models",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE: list[str] = []

# What the WSGI services (REST, SOAP) start their MIDDLEWARE with: the request id outermost (it
# binds the ids every log line of the request carries, the access line's too), the access log
# (it sees every answer, the security middleware's redirects too), then the secure headers below.
SERVICE_MIDDLEWARE = [
    "service_http.request_id.RequestIdMiddleware",
    "service_http.access_log.AccessLogMiddleware",
    "telemetry.service_metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "service_http.compression.CompressionMiddleware",
    "service_http.request_decoding.RequestDecodingMiddleware",
]
# Responses of at least this many bytes are compressed (br or gzip) when the client accepts it.
COMPRESSION_MIN_BYTES = compression_min_bytes()
ACCESS_LOG = env_bool("ACCESS_LOG", PRODUCTION)

# /metrics (every service): with a token, for `Authorization: Bearer <token>` only; without one,
# for clients on loopback only (telemetry/prometheus.py).
METRICS_TOKEN = env_str("METRICS_TOKEN", "")

# Secure headers (SecurityMiddleware, XFrameOptionsMiddleware). HTTPS is terminated in front of
# us, so HSTS, the HTTPS redirect and secure cookies are opt-in: they are right only where every
# client reaches the services over HTTPS, and HSTS is sent only on requests Django sees as secure
# (behind a proxy: DJANGO_TRUST_FORWARDED_HEADERS and X-Forwarded-Proto: https).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # health checks probe over plain HTTP on loopback
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)

# Behind a proxy we run (the gateway in front of REST and SOAP), the public host and scheme come
# from its X-Forwarded-Host / X-Forwarded-Proto. Only where nothing else can reach the service:
# a client could otherwise write those headers itself.
USE_X_FORWARDED_HOST = env_bool("DJANGO_TRUST_FORWARDED_HEADERS", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if USE_X_FORWARDED_HOST else None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database_settings()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = redis_url()
CACHES: dict[str, dict[str, Any]] = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Jobs (shared_models.jobs): run by `catalog worker` processes from django-tasks' database queue,
# so the embedded default needs no extra service. Input and result files live under
# JOB_FILES_DIR (default var/jobs), which every REST/SOAP process and worker must share.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
JOB_FILES_DIR = env_str("JOB_FILES_DIR")
JOB_IMPORT_MAX_BYTES = env_int("JOB_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
JOB_IMPORT_MAX_LINES = env_int("JOB_IMPORT_MAX_LINES", 100_000)
JOB_BATCH_SIZE = env_int("JOB_BATCH_SIZE", 500)
JOB_LEASE_SECONDS = env_int("JOB_LEASE_SECONDS", 120)
JOB_RETENTION_DAYS = env_float("JOB_RETENTION_DAYS", 7.0)

# Webhooks (shared_models.webhooks): Standard Webhooks deliveries, retried with exponential
# backoff for at most WEBHOOK_RETRY_FOR_SECONDS. Outside production loopback targets are allowed
# so a local listener works; private, link-local and metadata addresses only when allowlisted.
WEBHOOK_TIMEOUT_SECONDS = env_float("WEBHOOK_TIMEOUT_SECONDS", 5.0)
WEBHOOK_MAX_RESPONSE_BYTES = env_int("WEBHOOK_MAX_RESPONSE_BYTES", 4096)
WEBHOOK_RETRY_BASE_SECONDS = env_float("WEBHOOK_RETRY_BASE_SECONDS", 5.0)
WEBHOOK_RETRY_FOR_SECONDS = env_int("WEBHOOK_RETRY_FOR_SECONDS", 24 * 60 * 60)
WEBHOOK_ALLOW_LOOPBACK = env_bool("WEBHOOK_ALLOW_LOOPBACK", not PRODUCTION)
WEBHOOK_ALLOWED_NETWORKS = env_list("WEBHOOK_ALLOWED_NETWORKS", [])

USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"
USE_I18N = False

STATIC_URL = "/static/"

# Tokens: the REST service issues them, the SOAP service and the gateway verify them.
JWT_ISSUER = env_str("JWT_ISSUER", "urn:bookcatalog:rest")
JWT_AUDIENCE = env_str("JWT_AUDIENCE", "urn:bookcatalog:api")
# Key rotation: public keys of signing keys rotated out, read at start-up (a missing file stops it).
JWT_PREVIOUS_PUBLIC_KEYS = previous_public_key_pems()

# Demo users (reader / editor) exist only in the embedded default, never in production.
CATALOG_DEMO_USERS = demo_users_allowed()

LOGGING = configured_logging()
