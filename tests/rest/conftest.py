"""REST service tests: its URLconf, and clients holding tokens of each kind."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests import tokens


@pytest.fixture(autouse=True)
def rest_service_urls(settings):
    settings.ROOT_URLCONF = "rest_service.urls"
    settings.JWT_LOGIN_RATE = "10000/minute"  # only the throttling test wants it low


def client_with(token: str | None = None) -> APIClient:
    client = APIClient()
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def anonymous() -> APIClient:
    return client_with()


@pytest.fixture
def reader() -> APIClient:
    return client_with(tokens.mint(sub="101", scope="catalog:read"))


@pytest.fixture
def editor() -> APIClient:
    return client_with(tokens.mint(sub="102", scope="catalog:read catalog:write"))
