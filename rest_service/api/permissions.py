"""Reads are open to everyone; changes need a token carrying catalog:write (scopes are decided
once, in shared_models.permissions, and travel in the token)."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from catalog_contract.errors import INSUFFICIENT_SCOPE
from credentials.tokens import AccessClaims
from shared_models.permissions import CATALOG_READ, CATALOG_WRITE


class ReadOrWriteScope(BasePermission):
    message = f"Changing the catalog needs a token with the {CATALOG_WRITE} scope."
    code = INSUFFICIENT_SCOPE.code

    def has_permission(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        claims = request.auth
        return isinstance(claims, AccessClaims) and claims.has_scope(CATALOG_WRITE)


class _ScopeRequired(BasePermission):
    """A token carrying `scope`, whatever the method (jobs and webhooks belong to a subject)."""

    scope = ""
    code = "insufficient_scope"

    @property
    def message(self) -> str:
        return f"This needs a token with the {self.scope} scope."

    def has_permission(self, request: Request, view: Any) -> bool:
        claims = request.auth
        return isinstance(claims, AccessClaims) and claims.has_scope(self.scope)


class ReadScope(_ScopeRequired):
    scope = CATALOG_READ


class WriteScope(_ScopeRequired):
    scope = CATALOG_WRITE
