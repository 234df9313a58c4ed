"""SOAP service settings: the shared base plus XML limits, WS-Security and the nonce cache."""

from config.base_settings import *
from config.env import env_bool, env_int

SERVICE_NAME = "soap"
ROOT_URLCONF = "soap_service.urls"
WSGI_APPLICATION = "soap_service.wsgi.application"
MIDDLEWARE = SERVICE_MIDDLEWARE

# XML threat protection, checked before Spyne parses anything (soap_service/hardening.py).
SOAP_MAX_BODY_BYTES = env_int("SOAP_MAX_BODY_BYTES", 1_000_000)
SOAP_MAX_DEPTH = env_int("SOAP_MAX_DEPTH", 32)
SOAP_MAX_CHILDREN = env_int("SOAP_MAX_CHILDREN", 1_000)
SOAP_MAX_ATTRIBUTES = env_int("SOAP_MAX_ATTRIBUTES", 16)
SOAP_MAX_TEXT_LENGTH = env_int("SOAP_MAX_TEXT_LENGTH", 100_000)
# A gzip request body (service_http.request_decoding) may decode to no more than the body limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = SOAP_MAX_BODY_BYTES

# GetBook, GetBookByIsbn and ListBooks (no filter) answered beside Spyne's pipeline, byte for byte
# what Spyne would send (soap_service/hot_reads.py); false sends every request through Spyne.
SOAP_HOT_READS = env_bool("SOAP_HOT_READS", True)

# WS-Security UsernameToken: how far wsu:Created may be from our clock; a nonce is remembered
# for twice that, so a replay is refused for as long as its timestamp could be accepted.
WSSE_MAX_CLOCK_SKEW_SECONDS = env_int("WSSE_MAX_CLOCK_SKEW_SECONDS", 300)

# Seen PasswordDigest nonces must be shared by every worker and replica: Redis when configured
# (atomic SET NX, expiry by TTL); otherwise the database's cache table, whose primary key makes
# `add` atomic across processes (a file cache's `add` is check-then-write, racy between workers).
CACHES = {
    **CACHES,
    "wsse-nonces": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "catalog-soap:wsse-nonce",
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "catalog_wsse_nonce_cache",
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        }
    ),
}

# The gateway forwards requests with X-Forwarded-Host/-Proto; the WSDL's address follows them so a
# client that fetched it through the gateway keeps calling the gateway. Django still checks the
# forwarded host against ALLOWED_HOSTS.
USE_X_FORWARDED_HOST = env_bool("SOAP_TRUST_FORWARDED_HEADERS", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if USE_X_FORWARDED_HOST else None

# Spyne logs every client fault with a traceback and whole invalid bodies; we log one line per
# fault ourselves (soap_service/application.py).
LOGGING["loggers"]["spyne"] = {"level": "CRITICAL"}
