import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rest_service.settings")
application = get_wsgi_application()

from config.heap import freeze_loaded_objects  # noqa: E402  (needs Django set up)

freeze_loaded_objects()
