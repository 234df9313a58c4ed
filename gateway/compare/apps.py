from django.apps import AppConfig


class CompareConfig(AppConfig):
    name = "gateway.compare"
    label = "compare"
    verbose_name = "REST and SOAP side by side"
