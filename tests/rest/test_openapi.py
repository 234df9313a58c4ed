"""The OpenAPI document: valid with no generator warnings, covering every endpoint, parameter,
problem response and the bearer scheme; Swagger UI served without any network; and real
responses matching the documented shapes."""

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS

from rest_service.api.schema import CatalogSchemaGenerator
from tests.factories import book_body_v2, make_author, make_book, make_genre, make_publisher
from tests.rest.openapi import assert_documented

pytestmark = pytest.mark.django_db

CATALOG = ("books", "authors", "publishers", "genres")


@pytest.fixture(scope="module")
def document(django_db_blocker):
    with django_db_blocker.unblock():
        return CatalogSchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_validates_with_no_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert not GENERATOR_STATS
    assert yaml.safe_load(target.read_text())["openapi"].startswith("3.")


def test_every_endpoint_of_both_versions_is_documented(document):
    expected = {
        "/api/token/",
        "/api/token/refresh/",
        "/api/token/verify/",
        "/.well-known/jwks.json",
    }
    for version in ("v1", "v2"):
        for resource in CATALOG:
            key = "{slug}" if resource == "genres" else "{id}"
            expected |= {f"/api/{version}/{resource}/", f"/api/{version}/{resource}/{key}/"}
    expected |= {
        "/api/v2/books/import/",
        "/api/v2/books/export/",
        "/api/v2/jobs/{job_id}/",
        "/api/v2/jobs/{job_id}/result",
        "/api/v2/webhooks/",
        "/api/v2/webhooks/{endpoint_id}/",
        "/api/v2/webhooks/{endpoint_id}/deliveries/",
    }
    assert set(document["paths"]) == expected
    for version in ("v1", "v2"):
        for resource in CATALOG:
            assert set(document["paths"][f"/api/{version}/{resource}/"]) == {"get", "post"}


def test_v1_operations_are_deprecated_and_announce_it(document):
    listing = document["paths"]["/api/v1/books/"]["get"]
    assert listing["deprecated"] is True
    assert {"Deprecation", "Sunset", "Link"} <= set(listing["responses"]["200"]["headers"])
    assert "deprecated" not in document["paths"]["/api/v2/books/"]["get"]


def test_every_book_filter_the_ordering_the_batch_and_the_fields_are_parameters(document):
    names = {p["name"] for p in document["paths"]["/api/v2/books/"]["get"]["parameters"]}
    assert names == {
        "author", "publisher", "genre", "language", "isbn", "min_price", "max_price",
        "published_after", "published_before", "search", "ordering", "cursor", "page_size",
        "ids", "fields",
    }  # fmt: skip


def test_errors_are_documented_as_problems(document):
    put = document["paths"]["/api/v2/books/{id}/"]["put"]["responses"]
    assert {"400", "401", "403", "404", "406", "412", "415", "428", "500"} <= set(put)
    for status in ("400", "412", "428", "500"):
        assert put[status]["content"] == {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        }
    create = document["paths"]["/api/v2/books/"]["post"]["responses"]
    assert {"201", "409", "422"} <= set(create)
    assert "429" in document["paths"]["/api/token/"]["post"]["responses"]
    assert "409" in document["paths"]["/api/v2/genres/{slug}/"]["delete"]["responses"]


def test_conditional_and_idempotency_headers_are_documented(document):
    book = document["paths"]["/api/v2/books/{id}/"]
    if_match = next(p for p in book["patch"]["parameters"] if p["name"] == "If-Match")
    assert if_match["required"] is True
    assert any(p["name"] == "If-None-Match" for p in book["get"]["parameters"])
    assert "ETag" in book["get"]["responses"]["200"]["headers"]
    create = document["paths"]["/api/v2/books/"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])


def test_the_bearer_scheme_guards_writes_and_leaves_reads_open(document):
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    books = document["paths"]["/api/v2/books/"]
    assert books["post"]["security"] == [{"bearerAuth": []}]
    assert books["get"]["security"] == [{"bearerAuth": []}, {}]


def test_the_schema_is_served_as_yaml_and_json(anonymous):
    assert anonymous.get("/api/schema/").status_code == 200
    response = anonymous.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    assert "/api/v1/books/" in response.json()["paths"]


def test_swagger_ui_is_served_from_this_service_with_no_cdn(anonymous):
    page = anonymous.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn." not in html and "unpkg" not in html
    bundle = "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
    assert bundle in html
    asset = anonymous.get(bundle)
    assert asset.status_code == 200 and b"".join(asset.streaming_content)


def test_book_responses_match_the_document(document, editor):
    book = make_book(genres=[make_genre("fantasy")])
    for version in ("v1", "v2"):
        assert_documented(document, editor.get(f"/api/{version}/books/"), f"/api/{version}/books/")
        detail = f"/api/{version}/books/{{id}}/"
        assert_documented(document, editor.get(f"/api/{version}/books/{book.pk}/"), detail)
    created = editor.post("/api/v2/books/", book_body_v2(), format="json")
    assert_documented(document, created, "/api/v2/books/", "post")


def test_reference_responses_match_the_document(document, anonymous):
    author, publisher = make_author(birth_date=None), make_publisher()
    make_genre("fantasy")
    for path, url in [
        ("/api/v2/authors/{id}/", f"/api/v2/authors/{author.pk}/"),
        ("/api/v2/publishers/{id}/", f"/api/v2/publishers/{publisher.pk}/"),
        ("/api/v2/genres/{slug}/", "/api/v2/genres/fantasy/"),
        ("/api/v2/authors/", "/api/v2/authors/"),
        ("/api/v2/publishers/", "/api/v2/publishers/"),
        ("/api/v2/genres/", "/api/v2/genres/"),
    ]:
        assert_documented(document, anonymous.get(url), path)


def test_a_genre_update_documents_the_slug_as_optional(document):
    """The slug is the URL's; a PUT may leave it out (and the server accepts that)."""
    schemas = document["components"]["schemas"]
    body = document["paths"]["/api/v2/genres/{slug}/"]["put"]["requestBody"]
    name = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert schemas[name]["required"] == ["name"]
    assert "slug" in schemas[name]["properties"]
    assert "slug" in schemas["Genre"]["required"]


def test_problem_responses_match_the_document(document, anonymous, editor):
    assert_documented(document, anonymous.get("/api/v2/books/424242/"), "/api/v2/books/{id}/")
    invalid = editor.post("/api/v2/books/", {"title": ""}, format="json")
    assert_documented(document, invalid, "/api/v2/books/", "post")
    stale = editor.patch(f"/api/v2/books/{make_book().pk}/", {}, format="json",
                         HTTP_IF_MATCH='"9"')  # fmt: skip
    assert_documented(document, stale, "/api/v2/books/{id}/", "patch")


def test_token_and_jwks_responses_match_the_document(document, anonymous, django_user_model):
    django_user_model.objects.create_user(username="editor", password="editor-pass", is_staff=True)
    pair = anonymous.post("/api/token/", {"username": "editor", "password": "editor-pass"},
                          format="json")  # fmt: skip
    assert_documented(document, pair, "/api/token/", "post")
    refreshed = anonymous.post("/api/token/refresh/", {"refresh": pair.json()["refresh"]},
                               format="json")  # fmt: skip
    assert_documented(document, refreshed, "/api/token/refresh/", "post")
    assert_documented(document, anonymous.get("/.well-known/jwks.json"), "/.well-known/jwks.json")
