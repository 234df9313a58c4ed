"""Who may do what, written once: REST puts these scopes in its tokens, SOAP checks them for
WS-Security users, the gateway checks them per route class."""

from __future__ import annotations

from typing import Protocol

from credentials.tokens import CATALOG_READ, CATALOG_WRITE

__all__ = ["CATALOG_READ", "CATALOG_WRITE", "Account", "may_write", "scopes_for"]


class Account(Protocol):
    """What the scopes depend on: Django's User and AnonymousUser both have it."""

    @property
    def is_active(self) -> bool: ...

    @property
    def is_staff(self) -> bool: ...


def scopes_for(user: Account) -> tuple[str, ...]:
    """Staff edit the catalog; every other active user reads it."""
    if not user.is_active:
        return ()
    if user.is_staff:
        return (CATALOG_READ, CATALOG_WRITE)
    return (CATALOG_READ,)


def may_write(scopes: str | tuple[str, ...] | list[str]) -> bool:
    granted = scopes.split() if isinstance(scopes, str) else scopes
    return CATALOG_WRITE in granted
