"""One settings module for the whole suite: the REST service's (it owns every table) plus what
the other services add. Each test area points ROOT_URLCONF at its own service in its conftest."""

from gateway import settings as gateway_settings
from rest_service.settings import *
from soap_service import settings as soap_settings

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The SOAP service's own settings (XML limits, WS-Security) and its nonce cache.
globals().update(
    {
        name: value
        for name, value in vars(soap_settings).items()
        if name.startswith(("SOAP_", "WSSE_"))
    }
)
CACHES = {**CACHES, "wsse-nonces": soap_settings.CACHES["wsse-nonces"]}

# The gateway's settings (GATEWAY_*), so its objects can be built in this process, and its
# compare page's app (templates).
INSTALLED_APPS = [*INSTALLED_APPS, "gateway.compare"]
globals().update(
    {name: value for name, value in vars(gateway_settings).items() if name.startswith("GATEWAY_")}
)
