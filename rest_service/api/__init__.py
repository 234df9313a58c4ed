"""The DRF JSON API: resources (v1 flat, v2 nested), tokens, problems, idempotency, OpenAPI."""
