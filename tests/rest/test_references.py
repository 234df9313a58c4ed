"""Authors, publishers and genres: list, retrieve, create, update, patch and delete in both
versions; a delete refused while books use the row (409); genres addressed by slug."""

import pytest

from shared_models.models import Author, Genre, Publisher
from tests.factories import make_author, make_book, make_genre, make_publisher
from tests.rest.problems import assert_problem

pytestmark = pytest.mark.django_db

VERSIONS = pytest.mark.parametrize("version", ["v1", "v2"])


@VERSIONS
def test_authors_crud(editor, version):
    base = f"/api/{version}/authors/"
    created = editor.post(
        base, {"name": "N. K. Jemisin", "birth_date": "1972-09-19"}, format="json"
    )
    assert created.status_code == 201
    author = created.json()
    assert author == {"id": author["id"], "name": "N. K. Jemisin", "birth_date": "1972-09-19"}
    assert created["Location"] == f"http://testserver{base}{author['id']}/"
    assert editor.get(f"{base}{author['id']}/").json() == author
    replaced = editor.put(f"{base}{author['id']}/", {"name": "Nora Jemisin"}, format="json")
    assert replaced.json() == {"id": author["id"], "name": "Nora Jemisin", "birth_date": None}
    patched = editor.patch(f"{base}{author['id']}/", {"birth_date": "1972-09-19"}, format="json")
    assert patched.json()["birth_date"] == "1972-09-19"
    assert editor.delete(f"{base}{author['id']}/").status_code == 204
    assert not Author.objects.exists()


def test_authors_list_and_search(anonymous):
    make_author("Ursula K. Le Guin")
    make_author("Terry Pratchett")
    everyone = anonymous.get("/api/v2/authors/").json()
    assert [a["name"] for a in everyone["results"]] == ["Ursula K. Le Guin", "Terry Pratchett"]
    found = anonymous.get("/api/v2/authors/", {"search": "pratch"}).json()
    assert [a["name"] for a in found["results"]] == ["Terry Pratchett"]


def test_an_author_search_of_the_wrong_type_is_a_400(anonymous):
    response = anonymous.get("/api/v2/authors/", {"search": "x" * 201})
    assert list(assert_problem(response, 400, "invalid")["errors"]) == ["search"]


@VERSIONS
def test_publishers_crud(editor, version):
    base = f"/api/{version}/publishers/"
    created = editor.post(base, {"name": "Orbit", "country": "gb"}, format="json")
    assert created.status_code == 201
    publisher = created.json()
    assert publisher == {"id": publisher["id"], "name": "Orbit", "country": "GB"}
    assert editor.get(base).json()["results"] == [publisher]
    replaced = editor.put(f"{base}{publisher['id']}/", {**publisher, "name": "Orbit Books"},
                          format="json")  # fmt: skip
    assert replaced.json()["name"] == "Orbit Books"
    patched = editor.patch(f"{base}{publisher['id']}/", {"country": "US"}, format="json")
    assert patched.json()["country"] == "US"
    assert editor.delete(f"{base}{publisher['id']}/").status_code == 204
    assert not Publisher.objects.exists()


@VERSIONS
def test_genres_crud_by_slug(editor, version):
    base = f"/api/{version}/genres/"
    created = editor.post(base, {"slug": "solarpunk", "name": "Solarpunk"}, format="json")
    assert created.status_code == 201
    assert created.json() == {"slug": "solarpunk", "name": "Solarpunk"}
    assert created["Location"] == f"http://testserver{base}solarpunk/"
    assert editor.get(f"{base}solarpunk/").json() == {"slug": "solarpunk", "name": "Solarpunk"}
    renamed = editor.put(f"{base}solarpunk/", {"slug": "solarpunk", "name": "Solar punk"},
                         format="json")  # fmt: skip
    assert renamed.json() == {"slug": "solarpunk", "name": "Solar punk"}
    patched = editor.patch(f"{base}solarpunk/", {"name": "Solarpunk"}, format="json")
    assert patched.json()["name"] == "Solarpunk"
    assert editor.get(base).json()["results"] == [{"slug": "solarpunk", "name": "Solarpunk"}]
    assert editor.delete(f"{base}solarpunk/").status_code == 204
    assert not Genre.objects.exists()


def test_a_genre_slug_cannot_be_changed(editor):
    make_genre("fantasy")
    response = editor.put("/api/v2/genres/fantasy/", {"slug": "magic", "name": "M"}, format="json")
    assert list(assert_problem(response, 400, "invalid")["errors"]) == ["slug"]
    assert Genre.objects.get().slug == "fantasy"


def test_a_genre_put_may_leave_the_slug_out(editor):
    make_genre("fantasy")
    response = editor.put("/api/v2/genres/fantasy/", {"name": "Fantasy"}, format="json")
    assert response.status_code == 200
    assert response.json() == {"slug": "fantasy", "name": "Fantasy"}


def test_a_duplicate_genre_slug_is_refused(editor):
    make_genre("fantasy")
    response = editor.post("/api/v2/genres/", {"slug": "fantasy", "name": "F"}, format="json")
    assert list(assert_problem(response, 400, "invalid")["errors"]) == ["slug"]


@pytest.mark.parametrize(
    ("kind", "path"),
    [("author", "authors/{id}"), ("publisher", "publishers/{id}"), ("genre", "genres/fantasy")],
)
def test_deleting_a_row_books_still_use_is_a_409_and_deletes_nothing(editor, kind, path):
    author, publisher, genre = make_author(), make_publisher(), make_genre("fantasy")
    make_book(authors=[author], publisher=publisher, genres=[genre])
    row = {"author": author, "publisher": publisher, "genre": genre}[kind]
    response = editor.delete(f"/api/v2/{path.format(id=row.pk)}/")
    assert "still referenced" in assert_problem(response, 409, "in-use")["detail"]
    assert type(row).objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("path", ["authors/9999", "publishers/9999", "genres/nothing"])
def test_missing_references_are_404_problems(anonymous, path):
    assert_problem(anonymous.get(f"/api/v2/{path}/"), 404, "not-found")


def test_reference_input_errors_are_400_problems(editor):
    response = editor.post("/api/v2/publishers/", {"name": "", "country": "Narnia"}, format="json")
    assert set(assert_problem(response, 400, "invalid")["errors"]) == {"name", "country"}


def test_reference_writes_need_the_write_scope(reader, anonymous):
    assert_problem(reader.post("/api/v2/authors/", {"name": "X"}, format="json"), 403,
                   "insufficient-scope")  # fmt: skip
    assert_problem(anonymous.delete("/api/v2/genres/x/"), 401, "not-authenticated")


def test_reference_lists_paginate(anonymous):
    for i in range(5):
        make_publisher(f"P{i}")
    first = anonymous.get("/api/v2/publishers/?page_size=2").json()
    second = anonymous.get(first["next"]).json()
    assert [p["name"] for p in first["results"] + second["results"]] == ["P0", "P1", "P2", "P3"]
