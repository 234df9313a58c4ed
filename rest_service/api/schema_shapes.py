"""The API's JSON shapes as DRF serializers, for the OpenAPI document only.

Nothing here serialises or validates a request: representations.py writes responses, inputs.py
and the service layer read requests. tests/rest/test_openapi.py holds real responses against
these shapes, so the document cannot drift from what the API does.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def _price() -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=10, decimal_places=2, coerce_to_string=True)


def _one_of(*schemas: dict[str, Any]) -> dict[str, Any]:
    return {"oneOf": list(schemas)}


_ID = {"type": "integer", "minimum": 1}
_SLUG = {"type": "string", "pattern": r"^[a-z0-9]+(?:-[a-z0-9]+)*$", "maxLength": 50}


@extend_schema_field(
    _one_of(_ID, {"type": "object", "properties": {"id": _ID}, "required": ["id"]})
)
class IdReferenceField(serializers.Field):
    """An id, or an object whose `id` is used (other keys, such as `name`, are ignored)."""


@extend_schema_field(
    _one_of(_SLUG, {"type": "object", "properties": {"slug": _SLUG}, "required": ["slug"]})
)
class SlugReferenceField(serializers.Field):
    """A slug, or an object whose `slug` is used."""


_AMOUNT = {"type": "string", "format": "decimal", "pattern": r"^\d{1,8}(?:\.\d{1,2})?$"}


@extend_schema_field(
    _one_of(
        {
            "type": "object",
            "properties": {"amount": _AMOUNT, "currency": {"type": "string", "minLength": 3}},
            "description": "amount is required except in a PATCH; currency defaults to EUR",
        },
        {**_AMOUNT, "description": "A bare amount (currency EUR, or unchanged in a PATCH)"},
    )
)
class PriceInputField(serializers.Field):
    """{amount, currency} or a bare amount."""


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details; extension members appear where they apply."""

    type = serializers.URLField(help_text="Identifies the problem type (see docs/errors.md).")
    title = serializers.CharField(help_text="The same for every problem of this type.")
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="What went wrong this time.")
    instance = serializers.CharField(help_text="The request path.")
    errors = serializers.DictField(  # type: ignore[assignment]  # documents a body, never validates
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Validation problems only: field (as the client named it) -> messages.",
    )
    current_version = serializers.IntegerField(required=False, help_text="412 only.")
    request_id = serializers.CharField(required=False, help_text="500 only: quote it.")


class AuthorRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PublisherRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class GenreRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class MoneySerializer(serializers.Serializer):
    amount = _price()
    currency = serializers.CharField(min_length=3, max_length=3, help_text="ISO 4217")


class _BookCommon(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    isbn = serializers.CharField(help_text="ISBN-13 (hyphens accepted on input)")
    title = serializers.CharField(max_length=300)
    subtitle = serializers.CharField(max_length=300, required=False, allow_blank=True)
    published_date = serializers.DateField(help_text="Not in the future")
    language = serializers.CharField(min_length=2, max_length=2, help_text="ISO 639-1")
    pages = serializers.IntegerField(min_value=1)
    description = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(read_only=True, help_text="Also the ETag")
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class BookV2Serializer(_BookCommon):
    authors = AuthorRefSerializer(many=True)
    publisher = PublisherRefSerializer()
    genres = GenreRefSerializer(many=True)
    price = MoneySerializer()


class BookV2InputSerializer(_BookCommon):
    """Read-only keys (id, version, created_at, updated_at) may be sent and are ignored, so a
    fetched book can be PUT back as it is."""

    authors = serializers.ListField(child=IdReferenceField(), min_length=1)
    publisher = IdReferenceField()
    genres = serializers.ListField(child=SlugReferenceField(), required=False)
    price = PriceInputField()

    class Meta:
        ref_name = "BookV2"


class BookV1Serializer(_BookCommon):
    author_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1)
    publisher_id = serializers.IntegerField(min_value=1)
    genre_slugs = serializers.ListField(child=serializers.CharField(), required=False)
    price = _price()
    currency = serializers.CharField(min_length=3, max_length=3, required=False,
                                     help_text="ISO 4217, default EUR")  # fmt: skip


class AuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=200)
    birth_date = serializers.DateField(allow_null=True, required=False)


class PublisherSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(max_length=200)
    country = serializers.CharField(min_length=2, max_length=2, help_text="ISO 3166-1 alpha-2")


class GenreSerializer(serializers.Serializer):
    slug = serializers.CharField(max_length=50, help_text="The genre's address; fixed once made")
    name = serializers.CharField(max_length=100)


class GenreUpdateSerializer(serializers.Serializer):
    """A genre's PUT and PATCH: the slug is in the URL; a body may echo it, never change it."""

    slug = serializers.CharField(
        max_length=50, required=False, help_text="Optional; if sent, the genre's current slug"
    )
    name = serializers.CharField(max_length=100)


class TokenCredentialsSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField()


class TokenPairSerializer(serializers.Serializer):
    access = serializers.CharField(help_text="RS256 JWT for `Authorization: Bearer ...`")
    refresh = serializers.CharField(help_text="For POST /api/token/refresh/; usable once")


class TokenRefreshSerializer(serializers.Serializer):
    refresh = serializers.CharField()


class TokenVerifySerializer(serializers.Serializer):
    token = serializers.CharField()


class EmptySerializer(serializers.Serializer):
    """An empty JSON object."""


class JwkSerializer(serializers.Serializer):
    kty = serializers.CharField()
    use = serializers.CharField()
    alg = serializers.CharField()
    kid = serializers.CharField(help_text="RFC 7638 thumbprint; tokens name it in their header")
    n = serializers.CharField()
    e = serializers.CharField()


class JwksSerializer(serializers.Serializer):
    keys = JwkSerializer(many=True)
