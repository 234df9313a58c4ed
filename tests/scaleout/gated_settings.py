"""The REST service's settings with tests.scaleout.gated_urls as its URLconf."""

from rest_service.settings import *  # noqa: F403

ROOT_URLCONF = "tests.scaleout.gated_urls"
