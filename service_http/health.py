"""`/healthz`: the process is up and answering; readiness checks are each service's own."""

from django.http import HttpRequest, JsonResponse


def healthz(service: str):  # type: ignore[no-untyped-def]
    def view(request: HttpRequest) -> JsonResponse:
        return JsonResponse({"status": "ok", "service": service})

    return view
