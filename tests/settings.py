"""One settings module for the whole suite: the REST service's (it owns every table) plus what
the other services add. Each test area points ROOT_URLCONF at its own service in its conftest."""

from rest_service.settings import *

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
