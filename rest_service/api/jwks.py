"""GET /.well-known/jwks.json: the public key verifiers need, named by the `kid` tokens carry.
Cacheable for a few minutes; the gateway refreshes on an unknown kid anyway."""

from __future__ import annotations

from django.conf import settings
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.keys import public_jwk
from rest_service.api.schema_shapes import JwksSerializer


class JwksView(APIView):
    """The JSON Web Key Set that verifies this issuer's tokens."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    schema_tag = "tokens"

    def schema_shapes(self) -> tuple[None, type]:
        return None, JwksSerializer

    def get(self, request: Request) -> Response:
        key = public_jwk(settings.SIMPLE_JWT["VERIFYING_KEY"])
        return Response({"keys": [key.as_dict()]}, headers={"Cache-Control": "public, max-age=300"})
