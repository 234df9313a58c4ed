"""What every catalog resource shares: URL path versioning, keyset pages, v1's deprecation
headers and the 201 answer of a create."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.versioning import URLPathVersioning
from rest_framework.viewsets import ViewSet

from rest_service.api import sparse
from rest_service.api.deprecation import mark_deprecated
from rest_service.api.pagination import KeysetPagination

# Ids as URL segments: digits only and small enough for a bigint, so no lookup can overflow.
ID_PATTERN = r"[0-9]{1,18}"


def _forget_renderer_context(response: Response) -> None:
    """DRF leaves a rendered response in reference cycles (its renderer context holds the
    response itself and the view, and the view holds the response), so a page of 100 books'
    dicts stayed alive until the garbage collector's next pass, which then had to walk them all.
    Without those references, the response and its data are freed as soon as the server is done
    with them."""
    response.renderer_context = {}  # type: ignore[attr-defined]  # DRF sets it; stubs omit it


class CatalogViewSet(ViewSet):
    # Subclasses describe themselves to the OpenAPI document (schema.py) with `schema_tag`,
    # `schema_names` (singular, plural), `schema_shapes()` (request and response shapes) and
    # `extra_problems` (action -> problem statuses beyond the usual ones). `resource_keys()`
    # names the keys of the representation, in its order: what `fields=` selects from.
    versioning_class = URLPathVersioning
    pagination_class = KeysetPagination
    lookup_field = "pk"

    @cached_property
    def paginator(self) -> KeysetPagination:
        return self.pagination_class()

    def resource_keys(self) -> tuple[str, ...]:
        raise NotImplementedError

    def selected_keys(self, request: Request) -> tuple[str, ...] | None:
        """What `fields=` selects (None: everything); a bad selection is a 400."""
        return sparse.selection(request, self.resource_keys())

    def finalize_response(
        self, request: Request, response: Any, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.kwargs.get("version") == "v1":
            mark_deprecated(request, response)
        if isinstance(response, Response):
            response.add_post_render_callback(_forget_renderer_context)
        return response

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().dispatch(request, *args, **kwargs)
        del self.response  # see _forget_renderer_context
        return response

    def created(
        self, request: Request, body: dict[str, Any], key: Any, headers: dict | None = None
    ) -> Response:
        location = reverse(
            f"{self.basename}-detail", kwargs={self.lookup_field: key}, request=request
        )
        return Response(body, status=201, headers={"Location": location, **(headers or {})})
