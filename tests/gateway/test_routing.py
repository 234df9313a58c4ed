"""Which paths go where, and the paths the gateway refuses to interpret."""

import pytest

from gateway.errors import RequestRefused
from gateway.routing import RouteClass, is_proxied, resolve


@pytest.mark.parametrize(
    ("method", "path", "route_class", "upstream", "upstream_path"),
    [
        ("GET", "/api/v2/books/", RouteClass.READ, "rest", b"/api/v2/books/"),
        ("HEAD", "/api/v1/books/1/", RouteClass.READ, "rest", b"/api/v1/books/1/"),
        ("POST", "/api/v2/books/", RouteClass.WRITE, "rest", b"/api/v2/books/"),
        ("DELETE", "/api/v2/books/1/", RouteClass.WRITE, "rest", b"/api/v2/books/1/"),
        ("POST", "/auth/token/", RouteClass.TOKEN, "rest", b"/api/token/"),
        ("POST", "/auth/token/refresh/", RouteClass.TOKEN, "rest", b"/api/token/refresh/"),
        ("POST", "/api/token/", RouteClass.TOKEN, "rest", b"/api/token/"),
        ("GET", "/.well-known/jwks.json", RouteClass.TOKEN, "rest", b"/.well-known/jwks.json"),
        ("GET", "/soap/catalog/", RouteClass.SOAP, "soap", b"/soap/catalog/"),
        ("POST", "/soap12/catalog/", RouteClass.SOAP, "soap", b"/soap12/catalog/"),
        ("GET", "/api/schema/", RouteClass.READ, "rest", b"/api/schema/"),
        ("GET", "/api/docs/", RouteClass.READ, "rest", b"/api/docs/"),
        ("GET", "/static/a/b.js", RouteClass.READ, "rest", b"/static/a/b.js"),
    ],
)
def test_each_proxied_path_has_one_route(method, path, route_class, upstream, upstream_path):
    route = resolve(method, path, path.encode())
    assert (route.route_class, route.upstream, route.path) == (route_class, upstream, upstream_path)


def test_unversioned_api_paths_are_negotiated_and_versioned_ones_are_not():
    assert resolve("GET", "/api/books/", b"/api/books/").negotiate_version
    assert resolve("GET", "/api/v2/books/", b"/api/v2/books/").negotiate_version
    for unversioned in ("/api/schema/", "/api/docs/", "/static/a/b.js"):
        assert not resolve("GET", unversioned, unversioned.encode()).negotiate_version
    assert not resolve("POST", "/auth/token/", b"/auth/token/").negotiate_version


def test_the_gateways_own_pages_are_not_proxied():
    assert not any(is_proxied(p) for p in ("/healthz", "/readyz", "/metrics", "/", "/api"))
    assert all(is_proxied(p) for p in ("/api/v2/books/", "/soap/catalog/", "/auth/token/"))


@pytest.mark.parametrize(
    ("path", "raw_path"),
    [
        ("/api/v2/books/1", b"/api/v2/books%2F1"),
        ("/api/v2/books/1", b"/api/v2/books%2f1"),
        ("/api/v2/../admin/", b"/api/v2/%2E%2E/admin/"),
        ("/api/v2/books\\1", b"/api/v2/books%5C1"),
        ("/api/v2/books\x00", b"/api/v2/books%00"),
        ("/api/v2/../admin/", b"/api/v2/../admin/"),
        ("/api/v2/./books/", b"/api/v2/./books/"),
        ("/api/v2//books/", b"/api/v2//books/"),
        ("/api/v2/books/..", b"/api/v2/books/.."),
        ("/api/v2/bøøks/", "/api/v2/bøøks/".encode()),
    ],
)
def test_paths_that_could_mean_two_things_are_refused(path, raw_path):
    with pytest.raises(RequestRefused):
        resolve("GET", path, raw_path)
