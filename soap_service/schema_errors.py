"""libxml2's schema errors as the catalog's field errors: (dotted element path, message).

The path is found by resolving libxml2's error path (`/t:UpdateBook/t:book/t:price/t:amount`,
or `/*/*[3]/*[8]/*[1]` when the client writes a default namespace, as JAX-WS, .NET and SOAP::Lite
do) to the element in the request, then naming that element's ancestors by their local names, so
both spellings give `book.price.amount`.

libxml2 reports a required element that is missing in two ways: "Missing child element(s)" on the
parent when nothing follows it, or "This element is not expected" on the element that follows it.
The second is also what an unknown or out-of-order element gets, so whether an expected element is
required comes from the operation's Spyne message type, not from the position in libxml2's list
(which lists optional elements too and is cut after ten names).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from lxml import etree

NON_FIELD = "non_field_errors"
REQUIRED_MESSAGE = "This field is required."

_MISSING_CHILD = re.compile(r"Missing child element\(s\)\. Expected is (?:one of )?\((.*)\)")
_UNEXPECTED_CHILD = re.compile(r"This element is not expected\. Expected is (?:one of )?\((.*)\)")
_EXPANDED_NAME = re.compile(r"\{[^}]*\}(\w+)")
_ELEMENT_PREFIX = re.compile(r"^Element '[^']*'(?:, attribute '[^']*')?: ")
_STEP = re.compile(r"^(?:[\w.-]+:)?([\w.-]+|\*)(?:\[(\d+)\])?$")


def field_errors(
    entries: Iterable[Any], document: etree._Element, message_type: Any
) -> dict[str, list[str]]:
    """Every libxml2 error entry as {field: [messages]}, in the order libxml2 reported them.

    `message_type` is the operation's Spyne input message (None for an unknown operation).
    """
    errors: dict[str, list[str]] = {}
    for entry in entries:
        field, message = field_error(entry.path, entry.message, document, message_type)
        errors.setdefault(field, []).append(message)
    return errors


def field_error(
    path: str | None, message: str, document: etree._Element, message_type: Any
) -> tuple[str, str]:
    """One error: the element named by its path below the operation element."""
    element = _resolve(document, path)
    if element is None:
        return NON_FIELD, _ELEMENT_PREFIX.sub("", message)
    names = _local_names(document, element)
    if missing := _MISSING_CHILD.search(message):
        expected = _EXPANDED_NAME.findall(missing.group(1))
        required = _required_among(_type_at(message_type, names), expected) or expected[-1:]
        return ".".join([*names, *required[:1]]), REQUIRED_MESSAGE
    parent = element.getparent()
    if (unexpected := _UNEXPECTED_CHILD.search(message)) and names and parent is not None:
        present = {etree.QName(child).localname for child in _children(parent)}
        expected = _EXPANDED_NAME.findall(unexpected.group(1))
        absent = [name for name in expected if name not in present]
        if required := _required_among(_type_at(message_type, names[:-1]), absent):
            return ".".join([*names[:-1], required[0]]), REQUIRED_MESSAGE
    return ".".join(names) or NON_FIELD, _ELEMENT_PREFIX.sub("", message)


def _resolve(document: etree._Element, path: str | None) -> etree._Element | None:
    """The element a libxml2 path points at; its first step is the document element itself.

    libxml2 writes a step as `prefix:name[n]` (n-th sibling of that name) or, for an element in
    a default namespace, `*[n]` (n-th element sibling); `[n]` is left out when there is one.
    """
    steps = [step for step in (path or "").split("/") if step]
    if not steps:
        return None
    element = document
    for step in steps[1:]:
        match = _STEP.match(step)
        if match is None:
            return None
        name, index = match.group(1), int(match.group(2) or 1)
        same = [c for c in _children(element) if name in ("*", etree.QName(c).localname)]
        if not 0 < index <= len(same):
            return None
        element = same[index - 1]
    return element


def _children(element: etree._Element) -> list[etree._Element]:
    return list(element.iterchildren(etree.Element))


def _local_names(document: etree._Element, element: etree._Element | None) -> list[str]:
    """Local names from below the operation element down to `element`."""
    names = []
    while element is not document and element is not None:
        names.append(etree.QName(element).localname)
        element = element.getparent()
    return names[::-1]


def _type_at(message_type: Any, names: Sequence[str]) -> Any:
    """The Spyne type of the element at `names` below the message, or None if unknown."""
    cls = message_type
    for name in names:
        cls = _members(cls).get(name)
    return cls


def _members(cls: Any) -> dict[str, Any]:
    if cls is None or not hasattr(cls, "get_flat_type_info"):
        return {}
    return dict(cls.get_flat_type_info(cls))


def _required_among(cls: Any, names: Sequence[str]) -> list[str]:
    members = _members(cls)
    return [name for name in names if name in members and members[name].Attributes.min_occurs]
