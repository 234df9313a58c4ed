"""The SOAP types, as docs/soap.md lists them: what the WSDL tells a client about each field.

Restrictions describe the rules (ISBN shape, price >= 0, pages >= 1) so a client can read them
from the WSDL; they are never stricter than shared_models.validation, which decides every rule
with its own message. Output types mirror shared_models.records, so records are served as they
are (a Book's price is the one place where the SOAP shape nests: Money {amount, currency}).

Spyne details that matter here:
- XSD patterns are implicitly anchored and '^'/'$' are literal characters in them: patterns are
  written without anchors (Spyne copies them verbatim into xs:pattern).
- `max_len=`/`min_len=` (not `max_length=`, which Spyne silently ignores).
- Array items are nillable by default: item types are customised with nillable=False.
- A named simple type needs `__namespace__` set by hand, or it lands in a schema named after the
  Python module.
"""

from __future__ import annotations

from spyne import Array, ComplexModel, Date, DateTime, Decimal, Integer32, Long, Unicode

from catalog_contract.namespaces import SOAP_NAMESPACE
from shared_models.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from shared_models.records import Page
from shared_models.selectors import BOOK_ORDERINGS
from shared_models.validation import MAX_PAGES, MAX_PRICE_DIGITS, PRICE_DECIMAL_PLACES

TNS = SOAP_NAMESPACE

REQUIRED = {"min_occurs": 1, "nillable": False}
OPTIONAL = {"min_occurs": 0}

Id = Long(ge=1, doc="Database id (positive).")
# 13 digits starting 978/979, optionally separated by single hyphens or spaces (as REST takes it).
Isbn = Unicode(
    pattern=r"97[89]([ \-]?[0-9]){10}",
    max_len=17,
    doc="ISBN-13, e.g. 9780306406157 or 978-0-306-40615-7; the check digit must be valid.",
)
LanguageCode = Unicode(pattern="[A-Za-z]{2}", doc="ISO 639-1 language code, e.g. en.")
CurrencyCode = Unicode(pattern="[A-Za-z]{3}", doc="ISO 4217 currency code, e.g. EUR.")
CountryCode = Unicode(pattern="[A-Za-z]{2}", doc="ISO 3166-1 alpha-2 country code, e.g. GB.")
SLUG_PATTERN = "[a-z0-9]+(-[a-z0-9]+)*"
Cursor = Unicode(max_len=1000, doc="Opaque position from a previous page's next_cursor.")
PageSize = Integer32(
    ge=1,
    doc=f"Items per page, default {DEFAULT_PAGE_SIZE}; more than {MAX_PAGE_SIZE} is capped.",
)

# Array item types with names of their own (Spyne ignores member_name for primitives).
AuthorId = Long(ge=1, type_name="AuthorId", nillable=False)
AuthorId.__namespace__ = TNS
# The count of a batch is the selector's to check (catalog_contract.ids), with REST's words.
BookId = Long(ge=1, type_name="BookId", nillable=False)
BookId.__namespace__ = TNS
Slug = Unicode(max_len=50, pattern=SLUG_PATTERN, type_name="Slug", nillable=False)
Slug.__namespace__ = TNS


def _ordering_doc() -> str:
    names = sorted(BOOK_ORDERINGS)
    return "Sort key, one of " + ", ".join(names) + "; prefix '-' for descending. Default id."


class Money(ComplexModel):
    __namespace__ = TNS

    class Annotations(ComplexModel.Annotations):
        doc = "An amount of money in a currency."

    _type_info = [
        (
            "amount",
            Decimal(
                ge=0,
                fraction_digits=PRICE_DECIMAL_PLACES,
                total_digits=MAX_PRICE_DIGITS,
                doc="Amount, >= 0, at most two decimal places.",
                **REQUIRED,
            ),
        ),
        (
            "currency",
            CurrencyCode.customize(
                doc="ISO 4217 code; EUR when omitted in input, always present in output.",
                **OPTIONAL,
            ),
        ),
    ]


class AuthorRef(ComplexModel):
    __namespace__ = TNS
    _type_info = [("id", Id.customize(**REQUIRED)), ("name", Unicode(**REQUIRED))]


class PublisherRef(ComplexModel):
    __namespace__ = TNS
    _type_info = [("id", Id.customize(**REQUIRED)), ("name", Unicode(**REQUIRED))]


class GenreRef(ComplexModel):
    __namespace__ = TNS
    _type_info = [("slug", Unicode(**REQUIRED)), ("name", Unicode(**REQUIRED))]


class Book(ComplexModel):
    __namespace__ = TNS

    class Annotations(ComplexModel.Annotations):
        doc = "A book as the catalog holds it; the same values as REST v2's representation."

    _type_info = [
        ("id", Id.customize(**REQUIRED)),
        ("isbn", Unicode(doc="ISBN-13, 13 digits.", **REQUIRED)),
        ("title", Unicode(**REQUIRED)),
        ("subtitle", Unicode(doc="Empty when the book has none.", **REQUIRED)),
        (
            "authors",
            Array(AuthorRef.customize(nillable=False), member_name="author").customize(
                doc="In credit order.", **REQUIRED
            ),
        ),
        ("publisher", PublisherRef.customize(**REQUIRED)),
        (
            "genres",
            Array(GenreRef.customize(nillable=False), member_name="genre").customize(
                doc="Ordered by slug.", **REQUIRED
            ),
        ),
        ("published_date", Date(**REQUIRED)),
        ("language", Unicode(doc="ISO 639-1 code.", **REQUIRED)),
        ("pages", Integer32(**REQUIRED)),
        ("price", Money.customize(**REQUIRED)),
        ("description", Unicode(doc="Empty when the book has none.", **REQUIRED)),
        (
            "version",
            Integer32(doc="Bumped on every change; send it back to update or delete.", **REQUIRED),
        ),
        ("created_at", DateTime(**REQUIRED)),
        ("updated_at", DateTime(**REQUIRED)),
    ]


class BookInput(ComplexModel):
    __namespace__ = TNS

    class Annotations(ComplexModel.Annotations):
        doc = "A book to create, or the full new state of one to update."

    _type_info = [
        ("isbn", Isbn.customize(**REQUIRED)),
        ("title", Unicode(min_len=1, max_len=300, **REQUIRED)),
        ("subtitle", Unicode(max_len=300, **OPTIONAL)),
        (
            "author_ids",
            Array(AuthorId, member_name="id").customize(
                doc="Existing author ids in credit order, at least one, no repeats.", **REQUIRED
            ),
        ),
        ("publisher_id", Id.customize(doc="An existing publisher.", **REQUIRED)),
        (
            "genre_slugs",
            Array(Slug, member_name="slug").customize(doc="Existing genre slugs.", **OPTIONAL),
        ),
        ("published_date", Date(doc="Not in the future.", **REQUIRED)),
        ("language", LanguageCode.customize(**REQUIRED)),
        ("pages", Integer32(ge=1, le=MAX_PAGES, **REQUIRED)),
        ("price", Money.customize(**REQUIRED)),
        ("description", Unicode(max_len=20_000, **OPTIONAL)),
    ]


class BookFilter(ComplexModel):
    __namespace__ = TNS

    class Annotations(ComplexModel.Annotations):
        doc = "What to narrow a book list by; every field is optional and they combine with AND."

    _type_info = [
        ("author_id", Id.customize(doc="Books credited to this author.", **OPTIONAL)),
        ("publisher_id", Id.customize(doc="Books from this publisher.", **OPTIONAL)),
        ("genre", Unicode(max_len=50, doc="Books in this genre (its slug).", **OPTIONAL)),
        ("language", LanguageCode.customize(**OPTIONAL)),
        ("isbn", Isbn.customize(**OPTIONAL)),
        ("min_price", Decimal(doc="Price at least this amount.", **OPTIONAL)),
        ("max_price", Decimal(doc="Price at most this amount.", **OPTIONAL)),
        ("published_after", Date(doc="Published on or after this day.", **OPTIONAL)),
        ("published_before", Date(doc="Published on or before this day.", **OPTIONAL)),
        (
            "search",
            Unicode(
                max_len=200,
                doc="Words that must each appear in the title or an author's name.",
                **OPTIONAL,
            ),
        ),
        ("ordering", Unicode(max_len=50, doc=_ordering_doc(), **OPTIONAL)),
    ]


class Author(ComplexModel):
    __namespace__ = TNS
    _type_info = [
        ("id", Id.customize(**REQUIRED)),
        ("name", Unicode(**REQUIRED)),
        ("birth_date", Date(**OPTIONAL)),
    ]


class AuthorInput(ComplexModel):
    __namespace__ = TNS
    _type_info = [
        ("name", Unicode(min_len=1, max_len=200, **REQUIRED)),
        ("birth_date", Date(doc="Not in the future.", **OPTIONAL)),
    ]


class Publisher(ComplexModel):
    __namespace__ = TNS
    _type_info = [
        ("id", Id.customize(**REQUIRED)),
        ("name", Unicode(**REQUIRED)),
        ("country", Unicode(doc="ISO 3166-1 alpha-2 code.", **REQUIRED)),
    ]


class PublisherInput(ComplexModel):
    __namespace__ = TNS
    _type_info = [
        ("name", Unicode(min_len=1, max_len=200, **REQUIRED)),
        ("country", CountryCode.customize(**REQUIRED)),
    ]


class Genre(ComplexModel):
    __namespace__ = TNS

    class Annotations(ComplexModel.Annotations):
        doc = "A genre; its slug is its key."

    _type_info = [("slug", Unicode(**REQUIRED)), ("name", Unicode(**REQUIRED))]


class GenreInput(ComplexModel):
    __namespace__ = TNS
    _type_info = [
        (
            "slug",
            Unicode(
                pattern=SLUG_PATTERN,
                max_len=50,
                doc="Lowercase letters, digits and single hyphens.",
                **REQUIRED,
            ),
        ),
        ("name", Unicode(min_len=1, max_len=100, **REQUIRED)),
    ]


def _page_type(
    name: str, item: type[ComplexModel], items_field: str, member: str
) -> type[ComplexModel]:
    """A page of a keyset-paginated list: the items plus opaque cursors for either direction."""

    class PageType(ComplexModel):
        __namespace__ = TNS
        __type_name__ = name
        ITEMS_FIELD = items_field
        _type_info = [
            (
                items_field,
                Array(item.customize(nillable=False), member_name=member).customize(**REQUIRED),
            ),
            ("next_cursor", Cursor.customize(doc="Absent on the last page.", **OPTIONAL)),
            ("previous_cursor", Cursor.customize(doc="Absent on the first page.", **OPTIONAL)),
        ]

        @classmethod
        def of(cls, page: Page) -> PageType:
            return cls(
                **{cls.ITEMS_FIELD: page.items},
                next_cursor=page.next_cursor,
                previous_cursor=page.previous_cursor,
            )

    PageType.__name__ = PageType.__qualname__ = name
    return PageType


class BookList(ComplexModel):
    __namespace__ = TNS

    class Annotations(ComplexModel.Annotations):
        doc = "The books a batch asked for, in the order asked; ids no book has are left out."

    _type_info = [
        ("books", Array(Book.customize(nillable=False), member_name="book").customize(**REQUIRED))
    ]


BookPage = _page_type("BookPage", Book, "books", "book")
AuthorPage = _page_type("AuthorPage", Author, "authors", "author")
PublisherPage = _page_type("PublisherPage", Publisher, "publishers", "publisher")
GenrePage = _page_type("GenrePage", Genre, "genres", "genre")
