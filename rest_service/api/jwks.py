"""GET /.well-known/jwks.json: the public keys verifiers need, named by the `kid` tokens carry:
the current signing key's, then those rotated out (JWT_PREVIOUS_PUBLIC_KEY_FILES) whose tokens
may still be alive. Cacheable for a few minutes; the gateway refreshes on an unknown kid anyway."""

from __future__ import annotations

from django.conf import settings
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from credentials.keys import honoured_keys, public_jwk
from rest_service.api.schema_shapes import JwksSerializer


class JwksView(APIView):
    """The JSON Web Key Set that verifies this issuer's tokens."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    schema_tag = "tokens"

    def schema_shapes(self) -> tuple[None, type]:
        return None, JwksSerializer

    def get(self, request: Request) -> Response:
        keys = honoured_keys(
            settings.SIMPLE_JWT["VERIFYING_KEY"], settings.JWT_PREVIOUS_PUBLIC_KEYS
        )
        return Response(
            {"keys": [public_jwk(pem).as_dict() for pem in keys.values()]},
            headers={"Cache-Control": "public, max-age=300"},
        )
