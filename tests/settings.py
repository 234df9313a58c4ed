"""One settings module for the whole suite: the REST service's (it owns every table) plus what
the other services add. Each test area points ROOT_URLCONF at its own service in its conftest.

mypy's Django plugin reads this module too (pyproject.toml), so every setting is imported here
where mypy sees it and its type: the SOAP service's and the gateway's settings first, then the
REST service's, which win wherever a setting is defined by more than one.
"""

from soap_service.settings import *

# isort: split
from gateway.settings import *

# isort: split
from gateway import settings as gateway_settings
from rest_service.settings import *
from soap_service import settings as soap_settings

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The SOAP service's nonce cache, and the gateway's templates: its compare page's app and its
# front page's folder.
CACHES = {**CACHES, "wsse-nonces": soap_settings.CACHES["wsse-nonces"]}
INSTALLED_APPS = [*INSTALLED_APPS, "gateway.compare"]
TEMPLATES = [{**TEMPLATES[0], "DIRS": gateway_settings.TEMPLATES[0]["DIRS"]}]  # REST has none
