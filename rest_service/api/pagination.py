"""The envelope of every list: `results` plus absolute `next`/`previous` links.

The pages themselves come from the selectors (keyset cursors: stable under inserts, the same
cost at any depth); this class only reads `cursor` and `page_size`, writes the links (keeping
the client's other query parameters) and describes both to the OpenAPI schema.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from shared_models.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from shared_models.records import Page


class KeysetPagination(BasePagination):
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"

    def page_arguments(self, request: Request) -> dict[str, Any]:
        return {
            "cursor": request.query_params.get(self.cursor_query_param) or None,
            "page_size": request.query_params.get(self.page_size_query_param),
        }

    def page_response(
        self, request: Request, page: Page, represent: Callable[[Any], dict[str, Any]]
    ) -> Response:
        return Response(
            {
                "next": self._link(request, page.next_cursor),
                "previous": self._link(request, page.previous_cursor),
                "results": [represent(item) for item in page.items],
            }
        )

    def _link(self, request: Request, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        return replace_query_param(request.build_absolute_uri(), self.cursor_query_param, cursor)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "in": "query",
                "required": False,
                "description": "Opaque position from a previous page's `next` or `previous` link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "in": "query",
                "required": False,
                "description": (
                    f"Items per page, default {DEFAULT_PAGE_SIZE}; larger values are capped at "
                    f"{MAX_PAGE_SIZE}."
                ),
                "schema": {"type": "integer", "minimum": 1, "default": DEFAULT_PAGE_SIZE},
            },
        ]

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }
