import os

from django.core.wsgi import get_wsgi_application

from telemetry.tracing import setup_tracing

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soap_service.settings")
setup_tracing("soap")  # before the handler is built: Django's instrumentation adds a middleware
application = get_wsgi_application()
