"""REST service settings: the shared base plus DRF, JWT issuing, OpenAPI and the admin."""

from datetime import timedelta
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from config.base_settings import *
from config.env import env_datetime, env_int, env_str
from credentials.keys import private_key_pem, public_key_pem

INSTALLED_APPS = [
    *INSTALLED_APPS,
    "django.contrib.admin",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "rest_service.api",
]

MIDDLEWARE = [
    *SERVICE_MIDDLEWARE,
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Sessions, CSRF, authentication and messages serve the admin's pages only
    # (rest_service/admin_middleware.py).
    "rest_service.admin_middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "rest_service.admin_middleware.CsrfViewMiddleware",
    "rest_service.admin_middleware.AuthenticationMiddleware",
    "rest_service.admin_middleware.MessageMiddleware",
]

# Token responses carry secrets: never compressed (BREACH), under /api/token/ and its children.
COMPRESSION_EXCLUDED_PATHS = ["/api/token/"]

# The admin's and Swagger UI's assets (/static/…), served by WhiteNoise straight from the
# installed apps, as they are in the image: no collectstatic step, no CDN.
WHITENOISE_USE_FINDERS = True

SERVICE_NAME = "rest"
ROOT_URLCONF = "rest_service.urls"
WSGI_APPLICATION = "rest_service.wsgi.application"

# DRF's own throttle counters (the token endpoint's) go to the shared cache: keep them apart
# from other services' keys in a shared Redis.
CACHES["default"]["KEY_PREFIX"] = "catalog-rest"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_service.api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_service.api.permissions.ReadOrWriteScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_service.api.renderers.ORJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_service.api.parsers.ORJSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "rest_service.api.negotiation.CatalogContentNegotiation",
    "DEFAULT_SCHEMA_CLASS": "rest_service.api.schema.CatalogAutoSchema",
    "EXCEPTION_HANDLER": "rest_service.api.problems.exception_handler",
    "ALLOWED_VERSIONS": ["v1", "v2"],
    "VERSION_PARAM": "version",
}

# Tokens (simplejwt issues them; credentials.tokens is the contract every verifier applies).
# The key files are read here so that a production deployment without them fails at start-up,
# with one line naming the missing variable, rather than on its first login.
JWT_ACCESS_MINUTES = env_int("JWT_ACCESS_MINUTES", 15)
JWT_REFRESH_HOURS = env_int("JWT_REFRESH_HOURS", 24)
JWT_LEEWAY_SECONDS = env_int("JWT_LEEWAY_SECONDS", 30)
SIMPLE_JWT: dict[str, Any] = {
    "ALGORITHM": "RS256",
    "SIGNING_KEY": private_key_pem(),
    "VERIFYING_KEY": public_key_pem(),
    "ISSUER": JWT_ISSUER,
    "AUDIENCE": JWT_AUDIENCE,
    "LEEWAY": JWT_LEEWAY_SECONDS,
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=JWT_ACCESS_MINUTES),
    "REFRESH_TOKEN_LIFETIME": timedelta(hours=JWT_REFRESH_HOURS),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "sub",
    "AUTH_HEADER_TYPES": ("Bearer",),
}
# Password guessing at POST /api/token/, per client address ("N/second|minute|hour|day").
JWT_LOGIN_RATE = env_str("JWT_LOGIN_RATE", "30/minute")

# Idempotency-Key records: kept 24 h; a claim whose request died is taken over after the lease.
IDEMPOTENCY_TTL_SECONDS = env_int("IDEMPOTENCY_TTL_SECONDS", 24 * 60 * 60)
IDEMPOTENCY_LEASE_SECONDS = env_int("IDEMPOTENCY_LEASE_SECONDS", 60)

# API v1 is deprecated in favour of v2 (RFC 9745 Deprecation, RFC 8594 Sunset).
REST_V1_DEPRECATED_AT = env_datetime("REST_V1_DEPRECATED_AT", "2026-11-01T00:00:00+00:00")
REST_V1_SUNSET_AT = env_datetime("REST_V1_SUNSET_AT", "2027-06-30T00:00:00+00:00")
if REST_V1_SUNSET_AT < REST_V1_DEPRECATED_AT:
    raise ImproperlyConfigured("REST_V1_SUNSET_AT must not be earlier than REST_V1_DEPRECATED_AT")

SPECTACULAR_SETTINGS = {
    "TITLE": "Book catalog REST API",
    "DESCRIPTION": (
        "The book catalog as JSON. v2 nests authors, publisher, genres and price; v1 is the "
        "deprecated flat shape. Reads are open; writes need a bearer token with the "
        "`catalog:write` scope (POST /api/token/). Errors are application/problem+json "
        "(RFC 9457); problem types are listed at https://bookcatalog.example/problems/."
    ),
    "VERSION": "2.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_GENERATOR_CLASS": "rest_service.api.schema.CatalogSchemaGenerator",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "rest_service.api.sparse.document_sparse_responses",
    ],
}
