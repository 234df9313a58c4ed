"""The DRF JSON API (v1, v2), the token issuer and the JWKS, as its own Django project."""
