import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rest_service.settings")
application = get_wsgi_application()

from service_http.heap import prepare_for_requests  # noqa: E402  (needs Django set up)

prepare_for_requests()
