"""Gateway settings: no catalog database access; upstream URLs and policies from the environment."""

from config.base_settings import *
from config.env import env_str

INSTALLED_APPS: list[str] = []
DATABASES: dict = {}
ROOT_URLCONF = "gateway.urls"
ASGI_APPLICATION = "gateway.asgi.application"

GATEWAY_REST_URL = env_str("GATEWAY_REST_URL", "http://127.0.0.1:8001")
GATEWAY_SOAP_URL = env_str("GATEWAY_SOAP_URL", "http://127.0.0.1:8002")
