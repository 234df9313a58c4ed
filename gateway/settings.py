"""Gateway settings: no catalog database; upstreams, token checks and rate-limit policies from
the environment (config.env is the one reader). Read once when Django starts; the gateway's
objects copy what they need when they are built (never at import), so tests build them under
`override_settings`.
"""

from config.base_settings import *
from config.env import BASE_DIR, compare_page_enabled, env_bool, env_float, env_int, env_str
from telemetry.tracing import trace_store_enabled

INSTALLED_APPS = ["gateway.compare"]
DATABASES = {}
SERVICE_NAME = "gateway"
ROOT_URLCONF = "gateway.urls"
ASGI_APPLICATION = "gateway.asgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gateway" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

# Upstreams: one pooled client each. Keep-alive stays below gunicorn's --keep-alive (75 s) so a
# pooled connection is never reused just as the server closes it.
GATEWAY_REST_URL = env_str("GATEWAY_REST_URL", "http://127.0.0.1:8001").rstrip("/")
GATEWAY_SOAP_URL = env_str("GATEWAY_SOAP_URL", "http://127.0.0.1:8002").rstrip("/")
GATEWAY_REQUEST_DEADLINE_SECONDS = env_float("GATEWAY_REQUEST_DEADLINE_SECONDS", 10.0)
GATEWAY_CONNECT_TIMEOUT_SECONDS = env_float("GATEWAY_CONNECT_TIMEOUT_SECONDS", 1.0)
GATEWAY_UPSTREAM_MAX_CONNECTIONS = env_int("GATEWAY_UPSTREAM_MAX_CONNECTIONS", 200)
GATEWAY_UPSTREAM_KEEPALIVE_SECONDS = env_float("GATEWAY_UPSTREAM_KEEPALIVE_SECONDS", 15.0)

# Retries of idempotent requests (retry.py): attempts, full-jitter backoff, and a budget of
# retries shared by all requests to an upstream (ratio of the window's requests, plus a minimum).
GATEWAY_RETRY_MAX_ATTEMPTS = env_int("GATEWAY_RETRY_MAX_ATTEMPTS", 3)
GATEWAY_RETRY_BASE_DELAY_SECONDS = env_float("GATEWAY_RETRY_BASE_DELAY_SECONDS", 0.05)
GATEWAY_RETRY_MAX_DELAY_SECONDS = env_float("GATEWAY_RETRY_MAX_DELAY_SECONDS", 1.0)
GATEWAY_RETRY_BUDGET_RATIO = env_float("GATEWAY_RETRY_BUDGET_RATIO", 0.2)
GATEWAY_RETRY_BUDGET_MIN_RETRIES = env_int("GATEWAY_RETRY_BUDGET_MIN_RETRIES", 10)
GATEWAY_RETRY_BUDGET_WINDOW_SECONDS = env_float("GATEWAY_RETRY_BUDGET_WINDOW_SECONDS", 10.0)

# One circuit breaker per upstream (breaker.py): when it opens (failure rate, slow-call rate,
# slow failures in a row), how long it stays open, how many probes it lets through half-open.
GATEWAY_BREAKER_FAILURE_THRESHOLD = env_int("GATEWAY_BREAKER_FAILURE_THRESHOLD", 5)
GATEWAY_BREAKER_FAILURE_RATE = env_float("GATEWAY_BREAKER_FAILURE_RATE", 0.8)
GATEWAY_BREAKER_SLOW_CALL_SECONDS = env_float("GATEWAY_BREAKER_SLOW_CALL_SECONDS", 5.0)
GATEWAY_BREAKER_SLOW_CALL_RATE = env_float("GATEWAY_BREAKER_SLOW_CALL_RATE", 0.8)
GATEWAY_BREAKER_WINDOW = env_int("GATEWAY_BREAKER_WINDOW", 20)
GATEWAY_BREAKER_WINDOW_SECONDS = env_float("GATEWAY_BREAKER_WINDOW_SECONDS", 30.0)
GATEWAY_BREAKER_COOLDOWN_SECONDS = env_float("GATEWAY_BREAKER_COOLDOWN_SECONDS", 10.0)
GATEWAY_BREAKER_HALF_OPEN_PROBES = env_int("GATEWAY_BREAKER_HALF_OPEN_PROBES", 1)

# What a client may send: bodies are read whole (bounded) so that retries can replay them.
GATEWAY_MAX_BODY_BYTES = env_int("GATEWAY_MAX_BODY_BYTES", 1024 * 1024)
GATEWAY_MAX_HEADER_BYTES = env_int("GATEWAY_MAX_HEADER_BYTES", 16 * 1024)

# Client address: how many proxies in front of the gateway append to X-Forwarded-For.
GATEWAY_TRUSTED_PROXIES = env_int("GATEWAY_TRUSTED_PROXIES", 0)

# Tokens: verified against the issuer's JWKS.
GATEWAY_JWKS_URL = env_str("GATEWAY_JWKS_URL", f"{GATEWAY_REST_URL}/.well-known/jwks.json")
GATEWAY_JWKS_REFRESH_SECONDS = env_float("GATEWAY_JWKS_REFRESH_SECONDS", 300.0)
GATEWAY_JWKS_MIN_INTERVAL_SECONDS = env_float("GATEWAY_JWKS_MIN_INTERVAL_SECONDS", 30.0)
GATEWAY_TOKEN_CACHE_SIZE = env_int("GATEWAY_TOKEN_CACHE_SIZE", 10_000)
JWT_LEEWAY_SECONDS = env_int("JWT_LEEWAY_SECONDS", 30)

# Rate limits, "N/second|minute|hour|day" per route class; shared through REDIS_URL if set.
GATEWAY_RATELIMIT_ANONYMOUS = env_str("GATEWAY_RATELIMIT_ANONYMOUS", "60/minute")
GATEWAY_RATELIMIT_USER = env_str("GATEWAY_RATELIMIT_USER", "600/minute")
GATEWAY_RATELIMIT_WRITES = env_str("GATEWAY_RATELIMIT_WRITES", "60/minute")
GATEWAY_RATELIMIT_METADATA = env_str("GATEWAY_RATELIMIT_METADATA", "600/minute")
GATEWAY_RATELIMIT_FAIL_OPEN = env_bool("GATEWAY_RATELIMIT_FAIL_OPEN", True)
GATEWAY_RATELIMIT_NAMESPACE = env_str("GATEWAY_RATELIMIT_NAMESPACE", "catalog-gw")
GATEWAY_REDIS_TIMEOUT_SECONDS = env_float("GATEWAY_REDIS_TIMEOUT_SECONDS", 0.25)
GATEWAY_REDIS_MAX_CONNECTIONS = env_int("GATEWAY_REDIS_MAX_CONNECTIONS", 64)

# The response cache (response_cache.py): catalog reads, in Redis with REDIS_URL (shared by the
# replicas), else in this process; invalidated by the services' change generations, the TTL is
# only a backstop.
GATEWAY_CACHE_ENABLED = env_bool("GATEWAY_CACHE_ENABLED", True)
GATEWAY_CACHE_TTL_SECONDS = env_float("GATEWAY_CACHE_TTL_SECONDS", 300.0)
GATEWAY_CACHE_MAX_BODY_BYTES = env_int("GATEWAY_CACHE_MAX_BODY_BYTES", 512 * 1024)
GATEWAY_CACHE_MAX_ENTRIES = env_int("GATEWAY_CACHE_MAX_ENTRIES", 1000)

# REST-to-SOAP mediation (X-Backend: soap on REST v2 book requests).
GATEWAY_MEDIATION_ENABLED = env_bool("GATEWAY_MEDIATION_ENABLED", True)

# The /compare/ page (gateway/compare): REST and SOAP side by side, through this gateway.
GATEWAY_COMPARE_PAGE = compare_page_enabled()
GATEWAY_COMPARE_URL = env_str("GATEWAY_COMPARE_URL", "").rstrip("/")  # empty: this server's address
GATEWAY_COMPARE_REPORT_DIR = env_str(
    "GATEWAY_COMPARE_REPORT_DIR", str(BASE_DIR / "benchmarks" / "results")
)
GATEWAY_COMPARE_TIMEOUT_SECONDS = env_float("GATEWAY_COMPARE_TIMEOUT_SECONDS", 15.0)
# Each side's trace waterfall, from the local trace store (CATALOG_TRACE_STORE, on in make run).
GATEWAY_COMPARE_TRACES = trace_store_enabled()

# One JSON line per request on stdout.
GATEWAY_ACCESS_LOG = env_bool("GATEWAY_ACCESS_LOG", True)

# Expected refusals (401, 429 ...) are the gateway's job, not warnings: Django's request logger
# would print one line for each; httpx would log every upstream request at INFO.
LOGGING = {
    **LOGGING,
    "loggers": {
        **LOGGING["loggers"],
        "django.request": {"level": "ERROR"},
        "httpx": {"level": "WARNING"},
    },
}
