"""`/healthz`: the process is up and answering; readiness checks are each service's own."""

from collections.abc import Callable

from django.http import HttpRequest, JsonResponse


def healthz(service: str) -> Callable[[HttpRequest], JsonResponse]:
    def view(request: HttpRequest) -> JsonResponse:
        return JsonResponse({"status": "ok", "service": service})

    return view
