"""What a browser would follow from a page the gateway serves: its links, and the URLs it loads
(scripts, stylesheets, icons, and the OpenAPI document Swagger UI's script fetches)."""

from __future__ import annotations

import re

import lxml.html

_SWAGGER_DOCUMENT = re.compile(r'\burl: "(/[^"]+)"')


def links(page: str) -> list[str]:
    return lxml.html.fromstring(page).xpath("//a/@href")


def loaded_urls(page: str) -> list[str]:
    tree = lxml.html.fromstring(page)
    assets = tree.xpath("//script/@src | //link/@href | //img/@src")
    return [*assets, *_SWAGGER_DOCUMENT.findall(page)]
