"""Books: /api/{v1,v2}/books/ and /api/{v1,v2}/books/{id}/, with ETags and If-Match."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.request import Request
from rest_framework.response import Response

from catalog_contract import fields
from rest_service.api import batch, inputs, representations, sparse
from rest_service.api.conditional import etag, expected_version, not_modified
from rest_service.api.filters import BookFilterSet, book_filter
from rest_service.api.idempotency import idempotent
from rest_service.api.schema import filter_parameters, ordering_parameter
from rest_service.api.schema_shapes import (
    BookV1Serializer,
    BookV2InputSerializer,
    BookV2Serializer,
)
from rest_service.api.views.base import ID_PATTERN, CatalogViewSet
from shared_models import selectors, services
from shared_models.records import BookRecord, Page

DOCUMENTED_SHAPES = {
    "v1": (BookV1Serializer, BookV1Serializer),
    "v2": (BookV2InputSerializer, BookV2Serializer),
}
_ETAG = "The book's version as a strong entity tag"
_CONDITIONAL_HEADERS = {
    "retrieve": [
        OpenApiParameter("If-None-Match", str, OpenApiParameter.HEADER,
                         description="A 304 without a body if the book still has this ETag"),
        OpenApiParameter("ETag", str, OpenApiParameter.HEADER, description=_ETAG,
                         response=[200, 304]),
    ],
    "create": [
        OpenApiParameter("ETag", str, OpenApiParameter.HEADER, description=_ETAG, response=[201])
    ],
    "write": [
        OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True,
                         description="The ETag you last read (or *); anything else is a 412"),
        OpenApiParameter("ETag", str, OpenApiParameter.HEADER, description=_ETAG,
                         response=[200, 412]),
    ],
}  # fmt: skip
SHAPES = {
    "v1": (representations.book_v1, inputs.book_input_v1),
    "v2": (representations.book_v2, inputs.book_input_v2),
}
KEYS = {"v1": fields.BOOK_V1_KEYS, "v2": fields.BOOK_V2_KEYS}


def _version(request: Request) -> str:
    """v1 or v2: the URL admits no other, so DRF's URL-path versioning always sets one."""
    return request.version or ""


class BookViewSet(CatalogViewSet):
    """Books. v2 nests authors, publisher, genres and price; v1 is flat. Every book carries a
    `version`, sent as its ETag: writes must name it in If-Match."""

    lookup_value_regex = ID_PATTERN
    schema_tag = "books"
    schema_names = ("book", "books (filtered, searched, ordered, cursor-paginated)")
    extra_problems = {"update": (412, 428), "partial_update": (412, 428), "destroy": (412, 428)}
    extra_responses = {"retrieve": {304: OpenApiResponse(description="Not modified")}}

    def schema_shapes(self) -> tuple[Any, Any]:
        return DOCUMENTED_SHAPES[_version(self.request)]

    def schema_query_parameters(self) -> list[OpenApiParameter]:
        names = list(selectors.BOOK_ORDERINGS)
        return [
            *filter_parameters(BookFilterSet),
            ordering_parameter(names, selectors.DEFAULT_BOOK_ORDERING),
            batch.parameter(),
        ]

    def resource_keys(self) -> tuple[str, ...]:
        return KEYS[_version(self.request)]

    def schema_headers(self, action: str | None) -> list[OpenApiParameter]:
        if action in ("update", "partial_update", "destroy"):
            return _CONDITIONAL_HEADERS["write"]
        return _CONDITIONAL_HEADERS.get(action or "", [])

    def represent(self, book: BookRecord) -> dict[str, Any]:
        return SHAPES[_version(self.request)][0](book)

    def book_input(self, request: Request) -> inputs.ServiceInput:
        return SHAPES[_version(request)][1](request.data)

    def list(self, request: Request, **kwargs: Any) -> Response:
        """Filters combine; `search` matches every word against titles and author names. Pages
        are cursor-based: follow `next`/`previous`; inserts never shift a page. `ids` reads a
        batch of books by id instead, in the order given."""
        represent = sparse.sparse(SHAPES[_version(request)][0], self.selected_keys(request))
        ids = batch.requested_ids(request)
        if ids is not None:
            page = Page(selectors.book_batch(ids=ids), None, None)
        else:
            page = selectors.book_list(
                criteria=book_filter(request.query_params),
                ordering=request.query_params.get("ordering"),
                **self.paginator.page_arguments(request),
            )
        return self.paginator.page_response(request, page, represent)

    def retrieve(self, request: Request, pk: str, **kwargs: Any) -> Response:
        """The ETag is the book's version; If-None-Match with it answers 304 after reading the
        version alone, so a revalidation costs one query instead of the book's two. A sparse
        book (`fields`) has a tag of its own."""
        selected = self.selected_keys(request)
        variant = sparse.variant(selected, self.resource_keys())
        if request.headers.get("If-None-Match"):
            version = selectors.book_version(book_id=int(pk))
            if not_modified(request, version, variant):
                return Response(status=304, headers={"ETag": etag(version, variant)})
        book = selectors.book_get(book_id=int(pk))
        body = sparse.sparse(self.represent, selected)(book)
        return Response(body, headers={"ETag": etag(book.version, variant)})

    @idempotent
    def create(self, request: Request, **kwargs: Any) -> Response:
        """With an Idempotency-Key, a retry replays the first response instead of creating
        another book."""
        book = self.book_input(request).apply(services.book_create)
        return self.created(
            request, self.represent(book), book.id, headers={"ETag": etag(book.version)}
        )

    def update(self, request: Request, pk: str, **kwargs: Any) -> Response:
        """Replace the whole book (a GET body may be sent back as it is). If-Match required."""
        return self._write(request, int(pk), partial=False)

    def partial_update(self, request: Request, pk: str, **kwargs: Any) -> Response:
        """Change only the fields sent. If-Match required."""
        return self._write(request, int(pk), partial=True)

    def destroy(self, request: Request, pk: str, **kwargs: Any) -> Response:
        """If-Match required."""
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

    def _if_match(self, request: Request, book_id: int) -> int | None:
        return expected_version(
            request, current=lambda: selectors.book_version(book_id=book_id), label=book_id
        )

    def _book(self, book: BookRecord) -> Response:
        return Response(self.represent(book), headers={"ETag": etag(book.version)})
