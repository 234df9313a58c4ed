"""SOAP service settings: the shared base plus what Spyne needs."""

from config.base_settings import *

ROOT_URLCONF = "soap_service.urls"
WSGI_APPLICATION = "soap_service.wsgi.application"
