from django.apps import AppConfig


class RestApiConfig(AppConfig):
    name = "rest_service.api"
    label = "rest_api"
    verbose_name = "REST API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from rest_service.api import schema  # noqa: F401  registers the bearer scheme extension
