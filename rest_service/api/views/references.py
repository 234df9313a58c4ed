"""Authors, publishers and genres: plain CRUD (no versions or ETags), the same shape in v1 and
v2. Each is described once as a `References` table of service calls; one view set serves all
three. Deleting a row that books still use is a 409 (InUse)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import django_filters
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request
from rest_framework.response import Response

from catalog_contract import fields
from rest_service.api import representations, sparse
from rest_service.api.filters import AuthorFilterSet, cleaned
from rest_service.api.idempotency import idempotent
from rest_service.api.inputs import ServiceInput, plain_input
from rest_service.api.representations import Representation
from rest_service.api.schema import filter_parameters
from rest_service.api.schema_shapes import (
    AuthorSerializer,
    GenreSerializer,
    GenreUpdateSerializer,
    PublisherSerializer,
)
from rest_service.api.views.base import ID_PATTERN, CatalogViewSet
from shared_models import selectors, services
from shared_models.errors import ValidationError


def _update_input(body: Any, key: Any) -> ServiceInput:
    return plain_input(body)


def _genre_update_input(body: Any, slug: str) -> ServiceInput:
    """A genre's slug is its address: echoing it back is fine, changing it is not."""
    service_input = plain_input(body)
    if service_input.data.get("slug", slug) != slug:
        raise ValidationError({"slug": ["A genre's slug is its address and cannot be changed."]})
    service_input.data.pop("slug", None)
    return service_input


@dataclass(frozen=True)
class References:
    get: Callable[[Any], Any]
    page: Callable[..., Any]
    create: Callable[..., Any]
    update: Callable[..., Any]  # (key=, data=, partial=)
    delete: Callable[[Any], None]
    represent: Representation
    key: Callable[[str], Any] = int
    filterset: type[django_filters.FilterSet] | None = None
    update_input: Callable[[Any, Any], ServiceInput] = _update_input
    record_key: str = "id"  # the record attribute that is its URL key
    shape: type | None = None  # for the OpenAPI document
    update_shape: type | None = None  # PUT/PATCH bodies, where they differ from `shape`
    names: tuple[str, str] = ("", "")
    keys: tuple[str, ...] = ()  # the representation's, in its order (what `fields=` selects)


AUTHORS = References(
    get=lambda key: selectors.author_get(author_id=key),
    page=selectors.author_list,
    create=services.author_create,
    update=lambda *, key, **kw: services.author_update(author_id=key, **kw),
    delete=lambda key: services.author_delete(author_id=key),
    represent=representations.author,
    filterset=AuthorFilterSet,
    shape=AuthorSerializer,
    names=("author", "authors"),
    keys=fields.AUTHOR_KEYS,
)
PUBLISHERS = References(
    get=lambda key: selectors.publisher_get(publisher_id=key),
    page=selectors.publisher_list,
    create=services.publisher_create,
    update=lambda *, key, **kw: services.publisher_update(publisher_id=key, **kw),
    delete=lambda key: services.publisher_delete(publisher_id=key),
    represent=representations.publisher,
    shape=PublisherSerializer,
    names=("publisher", "publishers"),
    keys=fields.PUBLISHER_KEYS,
)
GENRES = References(
    get=lambda key: selectors.genre_get(slug=key),
    page=selectors.genre_list,
    create=services.genre_create,
    update=lambda *, key, **kw: services.genre_update(slug=key, **kw),
    delete=lambda key: services.genre_delete(slug=key),
    represent=representations.genre,
    key=str,
    update_input=_genre_update_input,
    record_key="slug",
    shape=GenreSerializer,
    update_shape=GenreUpdateSerializer,
    names=("genre", "genres"),
    keys=fields.GENRE_KEYS,
)


class ReferenceViewSet(CatalogViewSet):
    references: References
    lookup_value_regex = ID_PATTERN
    extra_problems = {"destroy": (409,)}

    @property
    def schema_tag(self) -> str:
        return self.references.names[1]

    @property
    def schema_names(self) -> tuple[str, str]:
        return self.references.names

    def schema_shapes(self) -> tuple[Any, Any]:
        shape = self.references.shape
        if self.action in ("update", "partial_update") and self.references.update_shape:
            return self.references.update_shape, shape
        return shape, shape

    def schema_query_parameters(self) -> list[OpenApiParameter]:
        filters = self.references.filterset
        return filter_parameters(filters) if filters else []

    def resource_keys(self) -> tuple[str, ...]:
        return self.references.keys

    def list(self, request: Request, **kwargs: Any) -> Response:
        represent = sparse.sparse(self.references.represent, self.selected_keys(request))
        filters = self.references.filterset
        criteria = cleaned(filters, request.query_params) if filters else {}
        page = self.references.page(**criteria, **self.paginator.page_arguments(request))
        return self.paginator.page_response(request, page, represent)

    def retrieve(self, request: Request, **kwargs: Any) -> Response:
        represent = sparse.sparse(self.references.represent, self.selected_keys(request))
        return Response(represent(self.references.get(self._key(kwargs))))

    @idempotent
    def create(self, request: Request, **kwargs: Any) -> Response:
        record = plain_input(request.data).apply(self.references.create)
        key = getattr(record, self.references.record_key)
        return self.created(request, self.references.represent(record), key)

    def update(self, request: Request, **kwargs: Any) -> Response:
        return self._write(request, kwargs, partial=False)

    def partial_update(self, request: Request, **kwargs: Any) -> Response:
        return self._write(request, kwargs, partial=True)

    def destroy(self, request: Request, **kwargs: Any) -> Response:
        self.references.delete(self._key(kwargs))
        return Response(status=204)

    def _write(self, request: Request, kwargs: dict[str, Any], *, partial: bool) -> Response:
        key = self._key(kwargs)
        service_input = self.references.update_input(request.data, key)
        record = service_input.apply(self.references.update, key=key, partial=partial)
        return Response(self.references.represent(record))

    def _key(self, kwargs: dict[str, Any]) -> Any:
        return self.references.key(kwargs[self.lookup_field])


class AuthorViewSet(ReferenceViewSet):
    """Authors, by id. `search` matches part of the name. Deleting one that books credit is
    refused (409)."""

    references = AUTHORS


class PublisherViewSet(ReferenceViewSet):
    """Publishers, by id. Deleting one that has books is refused (409)."""

    references = PUBLISHERS


class GenreViewSet(ReferenceViewSet):
    """Genres, by slug (fixed once made; the name can change). Deleting one that books use is
    refused (409)."""

    references = GENRES
    lookup_field = "slug"
    lookup_value_regex = r"[a-z0-9]+(?:-[a-z0-9]+)*"
