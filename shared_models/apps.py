from django.apps import AppConfig


class SharedModelsConfig(AppConfig):
    name = "shared_models"
    verbose_name = "Book catalog"
    default_auto_field = "django.db.models.BigAutoField"
