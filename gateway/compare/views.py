"""/compare/: the form, the two columns of a run, the benchmark report; its report files and
static files. Every view answers 404 while the page is off (GATEWAY_COMPARE_PAGE; off in
production unless enabled), and settings are read per request, never at import."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import replace
from functools import wraps
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from gateway.compare import benchmark_report, presentation, summary, waterfall
from gateway.compare.forms import OPERATIONS, OperationForm
from gateway.compare.runs import compare

STATIC_DIR = Path(__file__).resolve().parent / "static" / "compare"
STATIC_FILES = {"compare.css": "text/css; charset=utf-8",
                "compare.js": "text/javascript; charset=utf-8"}  # fmt: skip
_ANY_ADDRESS = {"", "0.0.0.0", "::"}

View = Callable[..., Coroutine[Any, Any, HttpResponse]]


def page_enabled(view: View) -> View:
    @wraps(view)
    async def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.GATEWAY_COMPARE_PAGE:
            raise Http404("The compare page is off (GATEWAY_COMPARE_PAGE).")
        return await view(request, *args, **kwargs)

    return guarded


def gateway_address(request: HttpRequest) -> tuple[str, int]:
    """Where the page sends its requests: GATEWAY_COMPARE_URL, else the address this request
    arrived on (the server's socket, never the client's Host header)."""
    configured = settings.GATEWAY_COMPARE_URL
    if configured:
        parts = urlsplit(configured)
        if parts.scheme != "http" or not parts.hostname:
            raise ImproperlyConfigured("GATEWAY_COMPARE_URL must be an http://host:port URL")
        return parts.hostname, parts.port or 80
    server = getattr(request, "scope", {}).get("server")
    if not server or server[1] is None:
        raise ImproperlyConfigured("no server address to call: set GATEWAY_COMPARE_URL")
    host, port = server
    return ("127.0.0.1" if host in _ANY_ADDRESS else host), int(port)


def _report_folder() -> Path:
    return Path(settings.GATEWAY_COMPARE_REPORT_DIR)


def _benchmark_context() -> dict[str, Any]:
    try:
        return {"report": benchmark_report.load(_report_folder())}
    except benchmark_report.ReportUnavailable as missing:
        return {"report_missing": str(missing)}


@page_enabled
@require_http_methods(["GET", "HEAD", "POST"])
@csrf_protect
async def page(request: HttpRequest) -> HttpResponse:
    form = OperationForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {"form": form, **_benchmark_context()}
    status = 200
    if form.is_bound and form.is_valid():
        host, port = gateway_address(request)
        comparison = await compare(
            form.operation_asked(), host, port, timeout=settings.GATEWAY_COMPARE_TIMEOUT_SECONDS
        )
        context.update(
            kind=comparison.operation.kind,
            asked=dict(OPERATIONS)[comparison.operation.kind],
            columns=await _with_waterfalls(presentation.columns(comparison)),
            traces_kept=settings.GATEWAY_COMPARE_TRACES,
            verdict=summary.verdict(comparison.rest.main, comparison.soap.main),
        )
    elif form.is_bound:
        status = 400
    return render(request, "compare/page.html", context, status=status)


async def _with_waterfalls(columns: list[presentation.Column]) -> list[presentation.Column]:
    if not settings.GATEWAY_COMPARE_TRACES:
        return columns
    return [replace(c, waterfall=await waterfall.of_request(c.request_id)) for c in columns]


@page_enabled
@require_GET
async def report(request: HttpRequest) -> HttpResponse:
    try:
        body = benchmark_report.rendered_markdown(_report_folder())
    except benchmark_report.ReportUnavailable as missing:
        return render(request, "compare/report.html", {"report_missing": str(missing)}, status=404)
    return render(request, "compare/report.html", {"body": body})


@page_enabled
@require_GET
async def report_file(request: HttpRequest, name: str) -> HttpResponse:
    path = benchmark_report.report_file(_report_folder(), name)
    if path is None:
        raise Http404("No such report file.")
    content_type = benchmark_report.CONTENT_TYPES[path.suffix]
    return HttpResponse(path.read_bytes(), content_type=content_type)


@page_enabled
@require_GET
async def static(request: HttpRequest, name: str) -> HttpResponse:
    if name not in STATIC_FILES:
        raise Http404("No such file.")
    response = HttpResponse((STATIC_DIR / name).read_bytes(), content_type=STATIC_FILES[name])
    response["Cache-Control"] = "public, max-age=300"
    return response
