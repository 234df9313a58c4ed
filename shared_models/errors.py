"""Domain errors raised by the service layer. Each protocol maps them once, in one place
(REST: rest_service's exception handler; SOAP: soap_service's fault mapping).

    CatalogError
    ├── NotFound          a row asked for by id / isbn / slug does not exist
    ├── ValidationError   input breaks a rule; `errors` maps field -> messages
    └── Conflict
        ├── StaleVersion  optimistic concurrency: the caller's `version` is not the current one
        ├── InUse         a delete refused because books still refer to the row
        └── IdempotencyKeyReused  an Idempotency-Key sent again with another request

Like DRF's exceptions, each class carries a `default_code` (machine-readable, stable: a code of
catalog_contract.errors' table) and a `default_detail` (human-readable).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.db import InterfaceError, OperationalError

from catalog_contract import errors

UNAVAILABLE_DETAIL = "The catalog is unavailable; retry shortly."
UNAVAILABLE_RETRY_AFTER = 5  # seconds, in both protocols' answer to an unreachable database


def database_unavailable(exc: BaseException) -> bool:
    """The database cannot be reached (or is locked): worth retrying, not a bug. Both protocols
    answer it as unavailable (REST 503, SOAP Server.Unavailable) with a Retry-After."""
    return isinstance(exc, (OperationalError, InterfaceError))


class CatalogError(Exception):
    default_code = "error"
    default_detail = "The catalog could not complete the request."

    def __init__(self, detail: str | None = None) -> None:
        self.detail = detail or self.default_detail
        super().__init__(self.detail)

    @property
    def code(self) -> str:
        return self.default_code


class NotFound(CatalogError):
    default_code = errors.NOT_FOUND.code
    default_detail = "Not found."

    def __init__(self, resource: str, key: object) -> None:
        self.resource = resource
        self.key = key
        super().__init__(f"{resource} {key} does not exist.")


class ValidationError(CatalogError):
    default_code = errors.INVALID.code
    default_detail = "The input is invalid."

    def __init__(self, errors: Mapping[str, Sequence[str]], detail: str | None = None) -> None:
        self.errors: dict[str, list[str]] = {field: list(msgs) for field, msgs in errors.items()}
        super().__init__(detail)


class Conflict(CatalogError):
    default_code = errors.CONFLICT.code
    default_detail = "The request conflicts with the current state of the catalog."


class StaleVersion(Conflict):
    default_code = errors.STALE_VERSION.code

    def __init__(self, resource: str, key: object, current_version: int) -> None:
        self.current_version = current_version
        super().__init__(
            f"{resource} {key} is at version {current_version}; reload it and try again."
        )


class InUse(Conflict):
    default_code = errors.IN_USE.code

    def __init__(self, resource: str, key: object) -> None:
        super().__init__(f"{resource} {key} is still referenced by books and cannot be deleted.")


class IdempotencyKeyReused(Conflict):
    default_code = errors.IDEMPOTENCY_KEY_REUSED.code
    default_detail = "This Idempotency-Key was sent before with another request."
