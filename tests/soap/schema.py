"""The XML Schema inside our own WSDL, compiled by libxml2, for checking responses against it."""

from __future__ import annotations

from lxml import etree

XS = "http://www.w3.org/2001/XMLSchema"


def schema_from_wsdl(wsdl: bytes) -> etree.XMLSchema:
    root = etree.fromstring(wsdl)
    schemas = root.findall(f".//{{{XS}}}schema")
    assert len(schemas) == 1, "every type lives in urn:bookcatalog:soap:v1"
    # QName-valued attributes (type="tns:...") need the WSDL root's prefixes in scope.
    schema = etree.Element(schemas[0].tag, dict(schemas[0].attrib), nsmap=root.nsmap)
    schema.extend(schemas[0])
    return etree.XMLSchema(schema)
