"""Books: /api/{v1,v2}/books/ and /api/{v1,v2}/books/{id}/, with ETags and If-Match."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.response import Response

from rest_service.api import inputs, representations
from rest_service.api.conditional import etag, expected_version, not_modified
from rest_service.api.filters import book_filter
from rest_service.api.idempotency import idempotent
from rest_service.api.views.base import ID_PATTERN, CatalogViewSet
from shared_models import selectors, services
from shared_models.records import BookRecord

SHAPES = {
    "v1": (representations.book_v1, inputs.book_input_v1),
    "v2": (representations.book_v2, inputs.book_input_v2),
}


class BookViewSet(CatalogViewSet):
    lookup_value_regex = ID_PATTERN

    def represent(self, book: BookRecord) -> dict[str, Any]:
        return SHAPES[self.request.version][0](book)

    def book_input(self, request: Request) -> inputs.ServiceInput:
        return SHAPES[request.version][1](request.data)

    def list(self, request: Request, **kwargs: Any) -> Response:
        page = selectors.book_list(
            criteria=book_filter(request.query_params),
            ordering=request.query_params.get("ordering"),
            **self.paginator.page_arguments(request),
        )
        return self.paginator.page_response(request, page, SHAPES[request.version][0])

    def retrieve(self, request: Request, pk: str, **kwargs: Any) -> Response:
        book = selectors.book_get(book_id=int(pk))
        if not_modified(request, book.version):
            return Response(status=304, headers={"ETag": etag(book.version)})
        return self._book(book)

    @idempotent
    def create(self, request: Request, **kwargs: Any) -> Response:
        book = self.book_input(request).apply(services.book_create)
        return self.created(
            request, self.represent(book), book.id, headers={"ETag": etag(book.version)}
        )

    def update(self, request: Request, pk: str, **kwargs: Any) -> Response:
        return self._write(request, int(pk), partial=False)

    def partial_update(self, request: Request, pk: str, **kwargs: Any) -> Response:
        return self._write(request, int(pk), partial=True)

    def destroy(self, request: Request, pk: str, **kwargs: Any) -> Response:
        book_id = int(pk)
        services.book_delete(book_id=book_id, expected_version=self._if_match(request, book_id))
        return Response(status=204)

    def _write(self, request: Request, book_id: int, *, partial: bool) -> Response:
        book = self.book_input(request).apply(
            services.book_update,
            book_id=book_id,
            expected_version=self._if_match(request, book_id),
            partial=partial,
        )
        return self._book(book)

    def _if_match(self, request: Request, book_id: int) -> int:
        return expected_version(
            request, current=lambda: selectors.book_get(book_id=book_id).version, label=book_id
        )

    def _book(self, book: BookRecord) -> Response:
        return Response(self.represent(book), headers={"ETag": etag(book.version)})
