"""The Spyne Application for one SOAP version, with its listeners: authentication, the book
fast path, and the HTTP headers and log line of every fault."""

from __future__ import annotations

import logging
from typing import Any

import spyne.const
from spyne import Application

from catalog_contract.auth import BEARER_CHALLENGE as WWW_AUTHENTICATE
from soap_service.auth import authenticate_request
from soap_service.fastxml import install_book_response_renderer
from soap_service.faults import (
    AuthenticationFailedFault,
    MethodNotAllowedFault,
    as_catalog_fault,
)
from soap_service.jobs import JobService
from soap_service.protocol import CatalogSoap11, CatalogSoap12
from soap_service.service import CatalogService
from soap_service.types import TNS
from telemetry import service_metrics

# MethodContext.close() runs a full gc.collect() at most once per MIN_GC_INTERVAL (1 s) "to return
# file descriptors in a timely manner": a 10-50 ms pause on a busy worker, for nothing we need.
spyne.const.MIN_GC_INTERVAL = float("inf")

logger = logging.getLogger("soap_service.faults")

PROTOCOLS = {"1.1": CatalogSoap11, "1.2": CatalogSoap12}


def make_application(soap_version: str) -> Application:
    protocol = PROTOCOLS[soap_version]
    application = Application(
        [CatalogService, JobService],
        tns=TNS,
        name="CatalogService",
        in_protocol=protocol(validator="lxml"),
        out_protocol=protocol(),
    )
    application.in_protocol.event_manager.add_listener("before_deserialize", authenticate_request)
    application.event_manager.add_listener("method_exception_object", answer_fault)
    application.event_manager.add_listener("method_call", name_operation)
    install_book_response_renderer(application)
    return application


def name_operation(ctx: Any) -> None:
    """Metrics count the request, and its trace names its span, under its operation and SOAP
    version (`method_call`, and for a fault before the call, answer_fault)."""
    if ctx.descriptor is not None:
        version = "1.2" if isinstance(ctx.app.in_protocol, CatalogSoap12) else "1.1"
        service_metrics.name_route(ctx.transport.req, ctx.descriptor.name, version)


def answer_fault(ctx: Any) -> None:
    """`method_exception_object` fires for faults from every stage: one place for headers/logs."""
    fault = as_catalog_fault(ctx.out_error)
    headers = ctx.transport.resp_headers
    if fault.retry_after is not None:
        headers["Retry-After"] = str(fault.retry_after)
    if isinstance(fault, AuthenticationFailedFault):
        headers["WWW-Authenticate"] = WWW_AUTHENTICATE
    if isinstance(fault, MethodNotAllowedFault):
        headers["Allow"] = "GET, POST"
    operation = ctx.descriptor.name if ctx.descriptor is not None else "-"
    service_metrics.count_soap_fault(fault.faultcode)
    name_operation(ctx)
    # Only Server faults are ours; Client.*, MustUnderstand and VersionMismatch are the sender's.
    level = logging.ERROR if fault.faultcode.startswith("Server") else logging.WARNING
    logger.log(
        level, "SOAP fault %s (%s) in %s: %s", fault.faultcode, fault.code, operation,
        fault.faultstring,
        extra={"request_id": getattr(ctx.transport.req, "request_id", "")},
    )  # fmt: skip
