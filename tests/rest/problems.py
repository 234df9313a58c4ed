"""What every error response must look like (RFC 9457), asserted in one place."""

from __future__ import annotations

from typing import Any

PROBLEM_BASE = "https://bookcatalog.example/problems/"


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    """`code` is the type's last segment (`not-found`) or a full type URI."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    expected_type = code if "://" in code else PROBLEM_BASE + code
    assert body["type"] == expected_type
    assert body["status"] == status
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    assert body["instance"] == response.wsgi_request.path
    assert "Traceback" not in response.content.decode()
    return body
