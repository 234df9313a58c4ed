"""CatalogService: the SOAP operations, each a thin adapter over shared_models.

An operation maps its arguments to the service layer's input (soap_service.inputs), calls one
selector or service, and returns the record it gets; records are served as they are. Errors are
mapped to faults in one place, `call_wrapper`: domain errors by soap_service.faults, an
unreachable database as Server.Unavailable, anything else as a plain Server fault quoting the
request id (logged with its traceback here, never sent).
"""

from __future__ import annotations

import logging
from typing import Any

from spyne import Array, Boolean, Fault, Integer32, Service, Unicode, rpc

from catalog_contract.ids import MAX_BATCH_IDS, MAX_ID, MIN_ID
from shared_models import selectors, services
from shared_models.errors import CatalogError, database_unavailable
from shared_models.records import AuthorRecord, BookRecord, GenreRecord, PublisherRecord
from soap_service.faults import (
    CatalogFault,
    ServerFault,
    fault_for_domain_error,
    unavailable,
)
from soap_service.inputs import (
    LIST_BOOKS_NAMES,
    book_criteria,
    book_input,
    client_names,
    plain_input,
)
from soap_service.types import (
    OPTIONAL,
    REQUIRED,
    Author,
    AuthorInput,
    AuthorPage,
    Book,
    BookFilter,
    BookId,
    BookInput,
    BookList,
    BookPage,
    Cursor,
    Genre,
    GenreInput,
    GenrePage,
    Id,
    Isbn,
    PageSize,
    Publisher,
    PublisherInput,
    PublisherPage,
)

logger = logging.getLogger("soap_service.errors")

_THROWS = [CatalogFault]
_ID = Id.customize(**REQUIRED)
_VERSION = Integer32(ge=1, doc="The version you read; refused if the book has changed.", **REQUIRED)
_CURSOR = Cursor.customize(**OPTIONAL)
_PAGE_SIZE = PageSize.customize(**OPTIONAL)
_BOOK_IDS = Array(BookId, member_name="id").customize(
    doc=f"1 to {MAX_BATCH_IDS} book ids ({MIN_ID}..{MAX_ID}); a repeated id is served once.",
    **REQUIRED,
)


def _reads(*params: Any, returns: Any) -> Any:
    return rpc(*params, _returns=returns.customize(**REQUIRED), _throws=_THROWS)


def _changes(*params: Any, returns: Any) -> Any:
    """An operation that changes the catalog: soap_service.auth demands catalog:write."""
    return rpc(
        *params,
        _returns=returns.customize(**REQUIRED),
        _throws=_THROWS,
        _udd={"changes_catalog": True},
    )


def _request_id(ctx: Any) -> str:
    return getattr(ctx.transport.req, "request_id", "")


class CatalogService(Service):
    """No `__in_header__`: WS-Security is read from the raw header (soap_service.auth)."""

    @classmethod
    def call_wrapper(cls, ctx: Any, args: Any = None) -> Any:
        try:
            return super().call_wrapper(ctx, args)
        except Fault:
            raise
        except CatalogError as exc:
            raise fault_for_domain_error(exc) from None
        except Exception as exc:
            request_id = _request_id(ctx)
            if database_unavailable(exc):
                raise unavailable(ctx.descriptor.name, exc) from None
            logger.error(
                "unhandled %s in %s", type(exc).__name__, ctx.descriptor.name,
                exc_info=exc, extra={"request_id": request_id},
            )  # fmt: skip
            raise ServerFault(
                f"Something went wrong on our side; quote request id {request_id} if you "
                "report it.",
                request_id=request_id,
            ) from None

    # -- books -----------------------------------------------------------------------------

    @_reads(_ID, returns=Book)
    def GetBook(ctx: Any, id: int) -> BookRecord:
        return selectors.book_get(book_id=id)

    @_reads(Isbn.customize(**REQUIRED), returns=Book)
    def GetBookByIsbn(ctx: Any, isbn: str) -> BookRecord:
        return selectors.book_get_by_isbn(isbn=isbn)

    @_reads(_BOOK_IDS, returns=BookList)
    def GetBooks(ctx: Any, ids: list[int] | None) -> Any:
        """A batch read: REST's `GET /api/v2/books/?ids=...`, the same selector and limits."""
        return BookList(books=selectors.book_batch(ids=ids or []))

    @_reads(BookFilter.customize(**OPTIONAL), _CURSOR, _PAGE_SIZE, returns=BookPage)
    def ListBooks(ctx: Any, filter: Any, cursor: str | None, page_size: int | None) -> Any:
        with client_names(LIST_BOOKS_NAMES):
            page = selectors.book_list(
                criteria=book_criteria(filter),
                ordering=filter.ordering if filter is not None else None,
                cursor=cursor,
                page_size=page_size,
            )
        return BookPage.of(page)

    @_changes(BookInput.customize(**REQUIRED), returns=Book)
    def CreateBook(ctx: Any, book: Any) -> BookRecord:
        return book_input(book).apply(services.book_create)

    @_changes(_ID, _VERSION, BookInput.customize(**REQUIRED), returns=Book)
    def UpdateBook(ctx: Any, id: int, version: int, book: Any) -> BookRecord:
        return book_input(book).apply(services.book_update, book_id=id, expected_version=version)

    @_changes(_ID, _VERSION, returns=Boolean)
    def DeleteBook(ctx: Any, id: int, version: int) -> bool:
        services.book_delete(book_id=id, expected_version=version)
        return True

    # -- authors, publishers, genres -------------------------------------------------------

    @_reads(_ID, returns=Author)
    def GetAuthor(ctx: Any, id: int) -> AuthorRecord:
        return selectors.author_get(author_id=id)

    @_reads(_CURSOR, _PAGE_SIZE, returns=AuthorPage)
    def ListAuthors(ctx: Any, cursor: str | None, page_size: int | None) -> Any:
        return AuthorPage.of(selectors.author_list(cursor=cursor, page_size=page_size))

    @_changes(AuthorInput.customize(**REQUIRED), returns=Author)
    def CreateAuthor(ctx: Any, author: Any) -> AuthorRecord:
        return plain_input("author", author).apply(services.author_create)

    @_reads(_ID, returns=Publisher)
    def GetPublisher(ctx: Any, id: int) -> PublisherRecord:
        return selectors.publisher_get(publisher_id=id)

    @_reads(_CURSOR, _PAGE_SIZE, returns=PublisherPage)
    def ListPublishers(ctx: Any, cursor: str | None, page_size: int | None) -> Any:
        return PublisherPage.of(selectors.publisher_list(cursor=cursor, page_size=page_size))

    @_changes(PublisherInput.customize(**REQUIRED), returns=Publisher)
    def CreatePublisher(ctx: Any, publisher: Any) -> PublisherRecord:
        return plain_input("publisher", publisher).apply(services.publisher_create)

    @_reads(Unicode(max_len=50, **REQUIRED), returns=Genre)
    def GetGenre(ctx: Any, slug: str) -> GenreRecord:
        return selectors.genre_get(slug=slug)

    @_reads(_CURSOR, _PAGE_SIZE, returns=GenrePage)
    def ListGenres(ctx: Any, cursor: str | None, page_size: int | None) -> Any:
        return GenrePage.of(selectors.genre_list(cursor=cursor, page_size=page_size))

    @_changes(GenreInput.customize(**REQUIRED), returns=Genre)
    def CreateGenre(ctx: Any, genre: Any) -> GenreRecord:
        return plain_input("genre", genre).apply(services.genre_create)
