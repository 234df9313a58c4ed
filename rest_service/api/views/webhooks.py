"""Webhook endpoints over REST: `POST /api/v2/webhooks/` registers one and answers its signing
secret (this once only), `GET` lists the caller's, `DELETE …/{id}/` removes one and
`GET …/{id}/deliveries/` is its delivery log."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from rest_service.api.inputs import json_object
from rest_service.api.job_schema import (
    DeliveryListSerializer,
    WebhookCreatedSerializer,
    WebhookInputSerializer,
    WebhookListSerializer,
    documented,
)
from rest_service.api.permissions import ReadScope
from rest_service.api.views.jobs import JobsView
from shared_models import job_selectors, webhooks
from shared_models.job_selectors import WebhookEndpointRecord


def endpoint_body(request: Request, endpoint: WebhookEndpointRecord) -> dict[str, Any]:
    url = reverse(
        "webhook-detail", kwargs={"version": "v2", "endpoint_id": endpoint.id}, request=request
    )
    return {**asdict(endpoint), "self": url, "deliveries": f"{url}deliveries/"}


class WebhookListView(JobsView):
    permission_classes = [ReadScope]

    @documented(
        tag="webhooks",
        summary="List your webhook endpoints",
        success=(200, WebhookListSerializer),
        problems=(403,),
    )
    def get(self, request: Request, **kwargs: Any) -> Response:
        endpoints = job_selectors.webhook_endpoint_list(subject=self.subject(request))
        return Response({"results": [endpoint_body(request, e) for e in endpoints]})

    @documented(
        tag="webhooks",
        summary="Register a webhook endpoint",
        request=WebhookInputSerializer,
        success=(201, WebhookCreatedSerializer),
        problems=(400, 403),
    )
    def post(self, request: Request, **kwargs: Any) -> Response:
        endpoint, secret = webhooks.webhook_endpoint_create(
            owner=self.subject(request), data=json_object(request.data)
        )
        body = {**endpoint_body(request, endpoint), "secret": secret}
        return Response(body, status=201, headers={"Location": body["self"]})


class WebhookDetailView(JobsView):
    permission_classes = [ReadScope]

    @documented(
        tag="webhooks",
        summary="Delete a webhook endpoint",
        success=(204, None),
        problems=(403, 404),
    )
    def delete(self, request: Request, endpoint_id: str, **kwargs: Any) -> Response:
        webhooks.webhook_endpoint_delete(subject=self.subject(request), endpoint_id=endpoint_id)
        return Response(status=204)


class WebhookDeliveriesView(JobsView):
    permission_classes = [ReadScope]

    @documented(
        tag="webhooks",
        summary="A webhook endpoint's delivery log",
        success=(200, DeliveryListSerializer),
        problems=(403, 404),
    )
    def get(self, request: Request, endpoint_id: str, **kwargs: Any) -> Response:
        deliveries = job_selectors.webhook_delivery_list(
            subject=self.subject(request), endpoint_id=endpoint_id
        )
        return Response({"results": [asdict(delivery) for delivery in deliveries]})
