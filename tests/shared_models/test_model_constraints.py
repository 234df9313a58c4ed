"""The database holds the catalog's rules by itself: writes that skip the service layer (raw ORM,
admin, psql) are still refused."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from shared_models.models import Book, BookAuthor
from tests.factories import make_author, make_book, make_publisher, valid_isbn

pytestmark = pytest.mark.django_db


def _refused(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_book(**fields)
    assert not Book.objects.filter(title="Refused").exists()


def test_negative_price_is_refused_by_the_database():
    _refused(title="Refused", price=Decimal("-0.01"))


def test_zero_pages_are_refused_by_the_database():
    _refused(title="Refused", pages=0)


def test_duplicate_isbn_is_refused_by_the_database():
    isbn = valid_isbn()
    make_book(isbn=isbn)
    _refused(title="Refused", isbn=isbn)


def test_isbn_of_wrong_length_is_refused_by_the_database():
    _refused(title="Refused", isbn="978030640615")


def test_language_must_be_two_letters_in_the_database():
    _refused(title="Refused", language="e")


def test_currency_must_be_three_letters_in_the_database():
    _refused(title="Refused", currency="EU")


def test_empty_title_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_book(title="")


def test_same_author_twice_on_a_book_is_refused_by_the_database():
    author = make_author()
    book = make_book(authors=[author])
    with pytest.raises(IntegrityError), transaction.atomic():
        BookAuthor.objects.create(book=book, author=author, position=1)


def test_a_publisher_with_books_cannot_be_deleted():
    publisher = make_publisher()
    make_book(publisher=publisher)
    with pytest.raises(ProtectedError):
        publisher.delete()


def test_an_author_of_a_book_cannot_be_deleted():
    author = make_author()
    make_book(authors=[author])
    with pytest.raises(ProtectedError):
        author.delete()


def test_deleting_a_book_removes_its_author_and_genre_links():
    book = make_book()
    book.delete()
    assert not BookAuthor.objects.filter(book_id=book.pk).exists()


def test_models_describe_themselves_for_the_admin():
    book = make_book(title="Dune", isbn="9780441172719")
    assert str(book) == "Dune (9780441172719)"
    assert str(book.publisher) == "Ace Books"
    assert str(book.authors.get()) == "Ursula K. Le Guin"
