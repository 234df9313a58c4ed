"""Authors, publishers and genres through the service layer."""

import pytest

from shared_models import selectors, services
from shared_models.errors import InUse, NotFound, ValidationError
from shared_models.models import Author, Genre
from tests.factories import make_author, make_book, make_genre, make_publisher

pytestmark = pytest.mark.django_db


def test_author_create_and_update(clock):
    author = services.author_create(data={"name": " Octavia Butler ", "birth_date": "1947-06-22"})
    assert author.name == "Octavia Butler"
    updated = services.author_update(
        author_id=author.id, data={"name": "Octavia E. Butler"}, partial=True, clock=clock
    )
    assert (updated.name, str(updated.birth_date)) == ("Octavia E. Butler", "1947-06-22")


def test_author_birth_date_in_the_future_is_refused(clock):
    with pytest.raises(ValidationError) as caught:
        services.author_create(data={"name": "Future", "birth_date": "2030-01-01"}, clock=clock)
    assert list(caught.value.errors) == ["birth_date"]
    assert not Author.objects.exists()


def test_an_author_with_books_cannot_be_deleted():
    author = make_author()
    make_book(authors=[author])
    with pytest.raises(InUse):
        services.author_delete(author_id=author.pk)
    assert Author.objects.filter(pk=author.pk).exists()


def test_an_author_without_books_is_deleted():
    author = make_author()
    services.author_delete(author_id=author.pk)
    with pytest.raises(NotFound):
        selectors.author_get(author_id=author.pk)


def test_missing_rows_are_not_found():
    with pytest.raises(NotFound):
        services.author_update(author_id=9999, data={"name": "x"})
    with pytest.raises(NotFound):
        services.publisher_delete(publisher_id=9999)
    with pytest.raises(NotFound):
        services.genre_update(slug="nope", data={"name": "x"})


def test_publisher_country_is_an_iso_code():
    publisher = services.publisher_create(data={"name": "Gollancz", "country": "gb"})
    assert publisher.country == "GB"
    with pytest.raises(ValidationError) as caught:
        services.publisher_create(data={"name": "Nowhere", "country": "XX"})
    assert list(caught.value.errors) == ["country"]


def test_a_publisher_with_books_cannot_be_deleted():
    publisher = make_publisher()
    make_book(publisher=publisher)
    with pytest.raises(InUse):
        services.publisher_delete(publisher_id=publisher.pk)


def test_genre_slug_must_be_unique_and_well_formed():
    services.genre_create(data={"slug": "space-opera", "name": "Space opera"})
    with pytest.raises(ValidationError, match="invalid"):
        services.genre_create(data={"slug": "space-opera", "name": "Again"})
    with pytest.raises(ValidationError):
        services.genre_create(data={"slug": "Space Opera", "name": "Bad slug"})
    assert Genre.objects.count() == 1


def test_genre_can_be_renamed_but_keeps_its_slug():
    make_genre("sf", "SF")
    renamed = services.genre_update(slug="sf", data={"name": "Science fiction"})
    assert (renamed.slug, renamed.name) == ("sf", "Science fiction")
    with pytest.raises(ValidationError):
        services.genre_update(slug="sf", data={"slug": "other", "name": "x"})


def test_a_genre_in_use_cannot_be_deleted():
    genre = make_genre()
    make_book(genres=[genre])
    with pytest.raises(InUse):
        services.genre_delete(slug=genre.slug)


@pytest.mark.parametrize("slug", ["\x00", "fan\x00tasy", "Fantasy", "x" * 51])
def test_a_genre_named_by_a_slug_no_genre_can_have_is_not_found(slug):
    """Found by fuzzing: a NUL in the slug reached PostgreSQL (DataError, a 500)."""
    make_genre("fantasy")
    with pytest.raises(NotFound):
        selectors.genre_get(slug=slug)
    with pytest.raises(NotFound):
        services.genre_update(slug=slug, data={"name": "Fantasy"})
    with pytest.raises(NotFound):
        services.genre_delete(slug=slug)
