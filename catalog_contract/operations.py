"""The SOAP operations by what they do to the catalog.

Reads are safe to retry (and to serve from a cache); everything else changes the catalog and
needs the catalog:write scope.
"""

from __future__ import annotations

from typing import Final

READ_OPERATIONS: Final = frozenset(
    {
        "GetBook",
        "GetBookByIsbn",
        "GetBooks",
        "ListBooks",
        "GetAuthor",
        "ListAuthors",
        "GetPublisher",
        "ListPublishers",
        "GetGenre",
        "ListGenres",
    }
)

JOB_OPERATIONS: Final = frozenset({"ExportBooks", "GetJob", "CancelJob"})
"""Operations on the caller's own jobs: catalog:read suffices, and none is safe to retry or cache
(an export is a new job; a job's state changes while it runs). ImportBooks changes the catalog."""
