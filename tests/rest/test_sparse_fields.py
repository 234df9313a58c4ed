"""`fields=` on every REST read: only the keys asked for, in the resource's order, each the
full representation's value; bad selections are 400 problems naming what is wrong; a sparse book
has an ETag of its own."""

from __future__ import annotations

import pytest

from catalog_contract import fields
from rest_service.api.schema import CatalogSchemaGenerator
from tests.factories import make_author, make_book, make_genre, make_publisher
from tests.rest.openapi import assert_documented
from tests.rest.problems import assert_problem

pytestmark = pytest.mark.django_db

# resource -> (its keys in order, a selection asked in another order, that selection in order)
RESOURCES = {
    "v1/books": (fields.BOOK_V1_KEYS, "price,title,id", ("id", "title", "price")),
    "v2/books": (fields.BOOK_V2_KEYS, "price,title,id", ("id", "title", "price")),
    "v2/authors": (fields.AUTHOR_KEYS, "birth_date,id", ("id", "birth_date")),
    "v1/authors": (fields.AUTHOR_KEYS, "name", ("name",)),
    "v2/publishers": (fields.PUBLISHER_KEYS, "country,name", ("name", "country")),
    "v1/publishers": (fields.PUBLISHER_KEYS, "id", ("id",)),
    "v2/genres": (fields.GENRE_KEYS, "name,slug", ("slug", "name")),
    "v1/genres": (fields.GENRE_KEYS, "name", ("name",)),
}


@pytest.fixture
def catalog():
    genre = make_genre("fantasy")
    author = make_author("Ursula K. Le Guin")
    publisher = make_publisher()
    books = [
        make_book(title=f"Book {i}", authors=[author], genres=[genre], publisher=publisher)
        for i in range(3)
    ]
    return {
        "books": books[0].pk,
        "authors": author.pk,
        "publishers": publisher.pk,
        "genres": genre.slug,
    }


def _item_url(resource: str, catalog: dict) -> str:
    return f"/api/{resource}/{catalog[resource.split('/')[1]]}/"


@pytest.mark.parametrize("resource", sorted(RESOURCES))
def test_the_resource_keys_are_what_the_full_representation_writes(anonymous, catalog, resource):
    keys = RESOURCES[resource][0]
    assert tuple(anonymous.get(_item_url(resource, catalog)).json()) == keys


@pytest.mark.parametrize("resource", sorted(RESOURCES))
def test_an_item_has_only_the_fields_asked_for_in_the_resource_s_order(
    anonymous, catalog, resource
):
    _, asked, expected = RESOURCES[resource]
    full = anonymous.get(_item_url(resource, catalog)).json()
    response = anonymous.get(_item_url(resource, catalog), {"fields": asked})
    assert response.status_code == 200
    assert list(response.json().items()) == [(key, full[key]) for key in expected]


@pytest.mark.parametrize("resource", sorted(RESOURCES))
def test_a_list_s_items_have_only_the_fields_asked_for_and_the_envelope_stays(
    anonymous, catalog, resource
):
    _, asked, expected = RESOURCES[resource]
    full = anonymous.get(f"/api/{resource}/", {"page_size": 2}).json()
    body = anonymous.get(f"/api/{resource}/", {"page_size": 2, "fields": asked}).json()
    assert set(body) == {"next", "previous", "results"}
    assert body["results"] == [{key: item[key] for key in expected} for item in full["results"]]
    assert [list(item) for item in body["results"]] == [list(expected)] * len(body["results"])


def test_the_next_link_keeps_the_selection(anonymous, catalog):
    body = anonymous.get("/api/v2/books/", {"page_size": 1, "fields": "title"}).json()
    following = anonymous.get(body["next"])
    assert "fields=title" in body["next"]
    assert list(following.json()["results"][0]) == ["title"]


@pytest.mark.parametrize("key", fields.BOOK_V2_KEYS)
def test_each_v2_book_field_alone_is_the_full_book_s_value(anonymous, catalog, key):
    url = _item_url("v2/books", catalog)
    full = anonymous.get(url).json()
    assert anonymous.get(url, {"fields": key}).json() == {key: full[key]}


def test_a_nested_field_comes_whole(anonymous, catalog):
    body = anonymous.get(_item_url("v2/books", catalog), {"fields": "price,publisher"}).json()
    assert body == {
        "publisher": {"id": catalog["publishers"], "name": "Ace Books"},
        "price": {"amount": "9.99", "currency": "EUR"},
    }


def test_a_field_named_twice_is_served_once(anonymous, catalog):
    body = anonymous.get(_item_url("v2/books", catalog), {"fields": "id,id,title"}).json()
    assert list(body) == ["id", "title"]


@pytest.mark.parametrize("resource", sorted(RESOURCES))
def test_an_unknown_field_is_a_400_naming_it(anonymous, catalog, resource):
    for url in (_item_url(resource, catalog), f"/api/{resource}/"):
        body = assert_problem(anonymous.get(url, {"fields": "id,nonsense"}), 400, "invalid")
        assert "'nonsense'" in body["errors"]["fields"][0]
        assert "nonsense" in body["detail"]


@pytest.mark.parametrize(
    "value, named",
    [
        ("price.amount", "'price.amount'"),  # nested names are not selectable: the object is
        ("author_ids", "'author_ids'"),  # a v1 key is not a v2 one
        ("Title", "'Title'"),  # names are case-sensitive
        (" title", "' title'"),  # and taken as written
    ],
)
def test_names_outside_the_v2_book_are_unknown(anonymous, catalog, value, named):
    body = assert_problem(
        anonymous.get(_item_url("v2/books", catalog), {"fields": value}), 400, "invalid"
    )
    assert named in body["errors"]["fields"][0]


@pytest.mark.parametrize("value", ["", ",", "id,", ",id", "id,,title"])
def test_an_empty_or_malformed_selection_is_a_400(anonymous, catalog, value):
    for url in (_item_url("v2/books", catalog), "/api/v2/books/"):
        body = assert_problem(anonymous.get(f"{url}?fields={value}"), 400, "invalid")
        assert list(body["errors"]) == ["fields"]


def test_fields_given_twice_is_a_400(anonymous, catalog):
    response = anonymous.get("/api/v2/books/?fields=id&fields=title")
    assert assert_problem(response, 400, "invalid")["errors"] == {
        "fields": ["Give fields once, separated by commas."]
    }


def test_a_bad_selection_of_a_missing_book_is_a_400(anonymous):
    assert_problem(anonymous.get("/api/v2/books/987654/", {"fields": "nope"}), 400, "invalid")


def test_writes_answer_the_full_book_whatever_fields_says(editor, catalog):
    url = _item_url("v2/books", catalog) + "?fields=id"
    response = editor.patch(url, {"title": "Changed"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200
    assert tuple(response.json()) == fields.BOOK_V2_KEYS


# -- validators -------------------------------------------------------------------------------


def test_a_sparse_book_has_its_own_strong_etag(anonymous, catalog):
    url = _item_url("v2/books", catalog)
    full = anonymous.get(url)["ETag"]
    sparse = anonymous.get(url, {"fields": "id,title"})["ETag"]
    assert full == '"1"'
    assert sparse.startswith('"1-') and sparse.endswith('"') and sparse != full


def test_the_sparse_etag_names_the_selection_not_its_spelling(anonymous, catalog):
    url = _item_url("v2/books", catalog)
    tags = {anonymous.get(url, {"fields": asked})["ETag"] for asked in ("id,title", "title,id")}
    assert len(tags) == 1
    assert anonymous.get(url, {"fields": "id,price"})["ETag"] not in tags


def test_if_none_match_with_the_sparse_etag_is_304(anonymous, catalog):
    url = _item_url("v2/books", catalog)
    tag = anonymous.get(url, {"fields": "id,title"})["ETag"]
    response = anonymous.get(url, {"fields": "title,id"}, HTTP_IF_NONE_MATCH=f"W/{tag}")
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == tag


def test_a_full_etag_does_not_validate_a_sparse_book_nor_the_reverse(anonymous, catalog):
    url = _item_url("v2/books", catalog)
    sparse_tag = anonymous.get(url, {"fields": "title"})["ETag"]
    sparse = anonymous.get(url, {"fields": "title"}, HTTP_IF_NONE_MATCH='"1"')
    full = anonymous.get(url, HTTP_IF_NONE_MATCH=sparse_tag)
    other = anonymous.get(url, {"fields": "id"}, HTTP_IF_NONE_MATCH=sparse_tag)
    assert (sparse.status_code, sparse.json()) == (200, {"title": "Book 0"})
    assert full.status_code == other.status_code == 200


def test_a_change_invalidates_the_sparse_etag(anonymous, editor, catalog):
    url = _item_url("v2/books", catalog)
    tag = anonymous.get(url, {"fields": "title"})["ETag"]
    editor.patch(url, {"title": "Changed"}, format="json", HTTP_IF_MATCH='"1"')
    response = anonymous.get(url, {"fields": "title"}, HTTP_IF_NONE_MATCH=tag)
    assert (response.status_code, response.json()) == (200, {"title": "Changed"})
    assert response["ETag"] == tag.replace('"1-', '"2-')


# -- the OpenAPI document ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def document(django_db_blocker):
    with django_db_blocker.unblock():
        return CatalogSchemaGenerator().get_schema(request=None, public=True)


@pytest.mark.parametrize("resource", sorted(RESOURCES))
def test_every_read_documents_fields_with_the_resource_s_keys_and_its_400(document, resource):
    keys = RESOURCES[resource][0]
    key = "{slug}" if resource.endswith("genres") else "{id}"
    for path in (f"/api/{resource}/", f"/api/{resource}/{key}/"):
        operation = document["paths"][path]["get"]
        (parameter,) = [p for p in operation["parameters"] if p["name"] == "fields"]
        assert parameter["in"] == "query" and parameter["schema"]["type"] == "string"
        assert all(f"`{name}`" in parameter["description"] for name in keys)
        assert "400" in operation["responses"]


@pytest.mark.parametrize("resource", sorted(RESOURCES))
def test_sparse_answers_are_documented_as_the_shape_without_required_keys(document, resource):
    schemas = document["components"]["schemas"]
    key = "{slug}" if resource.endswith("genres") else "{id}"
    item = document["paths"][f"/api/{resource}/{key}/"]["get"]["responses"]["200"]
    full, sparse = (
        s["$ref"].rsplit("/", 1)[1] for s in item["content"]["application/json"]["schema"]["anyOf"]
    )
    listing = document["paths"][f"/api/{resource}/"]["get"]["responses"]["200"]
    page = schemas[listing["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]
    assert page["properties"]["results"]["items"]["anyOf"] == [
        {"$ref": f"#/components/schemas/{full}"},
        {"$ref": f"#/components/schemas/{sparse}"},
    ]
    assert schemas[sparse]["properties"] == schemas[full]["properties"]
    assert "required" not in schemas[sparse] and schemas[full]["required"]


@pytest.mark.parametrize("resource", sorted(RESOURCES))
def test_sparse_answers_match_the_document(anonymous, catalog, document, resource):
    asked = RESOURCES[resource][1]
    key = "{slug}" if resource.endswith("genres") else "{id}"
    for url, path in (
        (_item_url(resource, catalog), f"/api/{resource}/{key}/"),
        (f"/api/{resource}/", f"/api/{resource}/"),
    ):
        assert_documented(document, anonymous.get(url, {"fields": asked}), path)


def test_a_compressed_sparse_book_has_the_coding_s_tag_and_revalidates(anonymous, settings):
    settings.COMPRESSION_MIN_BYTES = 0
    url = f"/api/v2/books/{make_book(description='Long enough to shrink. ' * 10).pk}/"
    selection = {"fields": "id,description"}
    sparse_tag = anonymous.get(url, selection)["ETag"]
    coded = anonymous.get(url, selection, HTTP_ACCEPT_ENCODING="gzip")
    again = anonymous.get(
        url, selection, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=coded["ETag"]
    )
    full = anonymous.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=coded["ETag"])
    assert coded["Content-Encoding"] == "gzip"
    assert coded["ETag"] == sparse_tag[:-1] + '-gzip"'
    assert (again.status_code, again["ETag"]) == (304, coded["ETag"])
    assert full.status_code == 200
