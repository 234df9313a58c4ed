"""Settings every service starts from; each service's settings.py imports this and adds its own.

Values come from config.env (the one reader of the environment). Nothing here reaches the network.
"""

from config.env import (
    BASE_DIR,
    database_settings,
    env_bool,
    env_list,
    env_str,
    is_production,
    redis_url,
)
from config.keys import django_secret_key
from config.logging import logging_config

PRODUCTION = is_production()
DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = django_secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else ["*"])

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "shared_models",
]

MIDDLEWARE: list[str] = []

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
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"
USE_I18N = False

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"

# Tokens: the REST service issues them, the SOAP service and the gateway verify them.
JWT_ISSUER = env_str("JWT_ISSUER", "urn:bookcatalog:rest")
JWT_AUDIENCE = env_str("JWT_AUDIENCE", "urn:bookcatalog:api")

# Demo users (reader / editor) exist only in the embedded default, never in production.
CATALOG_DEMO_USERS = env_bool("CATALOG_DEMO_USERS", not PRODUCTION)

LOGGING = logging_config(
    json_lines=env_bool("LOG_JSON", PRODUCTION), level=env_str("LOG_LEVEL", "INFO")
)
