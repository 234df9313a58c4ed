"""SOAP requests generated from the XML Schema inside a served WSDL, as Hypothesis strategies.

Nothing on PyPI generates XML from a schema for Hypothesis (hypothesis-jsonschema does it for
JSON Schema only), so this module does, generically: xmlschema reads the WSDL (its port type's
operations, their input messages, the schema's types, occurrences and facets) and each
operation's input element becomes a strategy of request bodies. An operation added to the
service is fuzzed the moment its WSDL declares it.

A drawn request is mostly valid in shape, with each decision sometimes hostile:

- occurrences: within minOccurs..maxOccurs, or the element missing, or repeated beyond maxOccurs;
  children sometimes shuffled, an undeclared element added, xsi:nil set;
- values: valid for the type and its facets (patterns, lengths, bounds, digits), at and just past
  each facet's edge, or anything at all: huge and tiny exponents, long digit strings, dates that
  do not exist, text from every Unicode category including what XML forbids (control characters,
  lone surrogates, U+FFFE, and as character references), undefined entities, the empty string;
- kinds: text where the schema wants elements, elements where it wants text.

`hostile=False` draws only what the schema allows (a test checks that against xmlschema).
Requests are serialised by hand (`envelope`), not by lxml, which refuses the characters XML
forbids: sending them is the point.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from hypothesis import strategies as st
from xmlschema import XsdElement
from xmlschema.extras.wsdl import Wsdl11Document
from xmlschema.validators import XsdAnyElement, XsdGroup

from tests.fuzzing import any_text, date_strings, number_strings

XS = "http://www.w3.org/2001/XMLSchema"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
MAX_DEPTH = 8  # a recursive schema still ends
MANY = 40  # how often an unbounded element repeats when it repeats "beyond" its maximum
REFERENCES = ["&#0;", "&#x1;", "&#xD800;", "&#xFFFE;", "&#99999999;", "&undefined;", "&amp;"]
VALID_REPEATS = 3  # at most this many occurrences above minOccurs in a valid draw


class Markup(str):
    """Text serialised as it is, not escaped: character and entity references."""


@dataclass(frozen=True)
class Node:
    """An element to serialise: Clark-notation name, text or children, attributes."""

    name: str
    content: str | tuple[Node, ...]
    attributes: tuple[tuple[str, str], ...] = ()


def operations(wsdl: bytes) -> dict[str, XsdElement]:
    """Every operation the WSDL's port types declare, with its input (document/literal) element."""
    document = Wsdl11Document(io.BytesIO(wsdl))
    found = {}
    for port_type in document.maps.port_types.values():
        for (name, *_), operation in port_type.operations.items():
            (element,) = operation.input.message.parts.values()
            found[name] = element
    return found


HOSTILITY = (0, 40, 12, 4, 2)  # a request departs from the schema at 1 in N decisions; 0: never


def requests(element: XsdElement, *, hostile: bool = True) -> st.SearchStrategy[Node]:
    """Request bodies for an operation's input element. How hostile a request is, is drawn once
    per request: from none (a valid request, whose values reach the business rules) to every
    other decision (mostly refused by the parser or the schema)."""
    odds = st.sampled_from(HOSTILITY) if hostile else st.just(0)
    return odds.flatmap(lambda odds: _element(element, odds, 0))


def _departs(draw: Callable, odds: int) -> bool:
    return odds > 0 and draw(st.integers(1, odds)) == 1


# --- Elements and occurrences ----------------------------------------------------------------


@st.composite
def _element(draw: Callable, element: XsdElement, odds: int, depth: int) -> Node:
    type_ = element.type
    simple = type_.is_simple() or type_.has_simple_content()
    shape = draw(st.sampled_from(["nil", "swapped"])) if _departs(draw, odds) else "schema"
    if shape == "nil":
        return Node(element.name, "", ((f"{{{XSI}}}nil", "true"),))
    if shape == "swapped":  # elements where text belongs, text where elements do
        content: str | tuple[Node, ...] = (
            (Node(element.name, draw(hostile_text())),) if simple else draw(hostile_text())
        )
    elif not simple:
        children = draw(_group(type_.content, odds, depth + 1)) if depth < MAX_DEPTH else []
        content = tuple(children)
    else:
        content = draw(values(type_ if type_.is_simple() else type_.content, odds))
    return Node(element.name, content)


@st.composite
def _group(draw: Callable, group: XsdGroup, odds: int, depth: int) -> list[Node]:
    particles = list(group)
    if group.model == "choice" and particles:
        particles = [draw(st.sampled_from(particles))]
    nodes: list[Node] = []
    for particle in particles:
        for _ in range(draw(occurrences(particle, odds))):
            if isinstance(particle, XsdGroup):
                nodes.extend(draw(_group(particle, odds, depth)))
            elif isinstance(particle, XsdAnyElement):
                nodes.append(Node(f"{{urn:any}}x{depth}", draw(values(None, odds))))
            else:
                nodes.append(draw(_element(particle, odds, depth)))
    if _departs(draw, odds):
        nodes.append(Node(f"{{{group.target_namespace}}}undeclared", draw(hostile_text())))
    if group.model == "all" or _departs(draw, odds):
        nodes = draw(st.permutations(nodes))
    return nodes


@st.composite
def occurrences(draw: Callable, particle: Any, odds: int) -> int:
    """How many times a particle occurs: in its bounds, or missing, or beyond its maximum."""
    low, high = particle.min_occurs, particle.max_occurs  # max None: unbounded
    if _departs(draw, odds):
        return draw(st.sampled_from((0, high + 1, high + 2) if high is not None else (0, MANY)))
    top = low + VALID_REPEATS if high is None else min(high, low + VALID_REPEATS)
    return draw(st.integers(low, top))


# --- Values ------------------------------------------------------------------------------------


@st.composite
def values(draw: Callable, type_: Any, odds: int) -> str:
    """Text for a simple type: valid for its facets, or at and past their edges, or anything."""
    if _departs(draw, odds):
        edges = edge_values(type_) if type_ is not None else st.nothing()
        return draw(st.one_of(edges, hostile_text()))
    return draw(valid_values(type_) if type_ is not None else xml_text())


def valid_values(type_: Any) -> st.SearchStrategy[str]:
    if type_.enumeration:
        return st.sampled_from([str(value) for value in type_.enumeration])
    kind = _builtin_kind(type_)
    if kind == "integer":  # small values too, near the low bound: the rows that exist
        low, high = type_.min_value, type_.max_value
        near = st.integers(low, low + 5) if low is not None else st.integers(0, 5)
        return st.one_of(near, st.integers(low, high)).map(str)
    if kind == "decimal":
        return _decimals(type_)
    if kind in {"float", "double"}:
        return st.floats(allow_nan=False, allow_infinity=False).map(repr)
    if kind == "boolean":
        return st.sampled_from(["true", "false", "1", "0"])
    if kind == "date":
        return st.dates().map(lambda day: day.isoformat())
    if kind == "dateTime":
        return st.datetimes().map(lambda moment: moment.isoformat())
    return _strings(type_)


def _strings(type_: Any) -> st.SearchStrategy[str]:
    low, high = type_.min_length or 0, type_.max_length
    if type_.patterns:
        pattern = type_.patterns.patterns[0]
        return st.from_regex(pattern, fullmatch=True).filter(
            lambda text: low <= len(text) <= (high or len(text)) and type_.is_valid(text)
        )
    return xml_text(min_size=low, max_size=min(high or 80, 80))


def _decimals(type_: Any) -> st.SearchStrategy[str]:
    places = _facet(type_, "fractionDigits")
    total = _facet(type_, "totalDigits")
    low, high = type_.min_value, type_.max_value
    if total is not None:  # totalDigits bounds the magnitude
        ceiling = Decimal(10) ** (total - (places or 0)) - Decimal(10) ** -(places or 0)
        high = ceiling if high is None else min(high, ceiling)
        low = -ceiling if low is None else max(low, -ceiling)
    return st.decimals(
        min_value=low, max_value=high, places=places, allow_nan=False, allow_infinity=False
    ).map(lambda amount: format(amount, "f"))


def edge_values(type_: Any) -> st.SearchStrategy[str]:
    """Values at and just past each facet: bounds +-1, lengths +1, more digits than allowed."""
    edges: list[str] = []
    for bound in (type_.min_value, type_.max_value):
        if bound is not None:
            edges += [str(bound), str(bound - 1), str(bound + 1)]
    if type_.max_length is not None:
        edges += ["a" * type_.max_length, "a" * (type_.max_length + 1)]
    if type_.min_length:
        edges += ["a" * (type_.min_length - 1)]
    if (places := _facet(type_, "fractionDigits")) is not None:
        edges += ["1." + "1" * (places + 1), "0." + "0" * places + "5"]
    if (total := _facet(type_, "totalDigits")) is not None:
        edges += ["9" * total, "9" * (total + 1), "9" * total + ".99"]
    edges += [str(2**63), str(-(2**63) - 1), str(2**31), "-1", "0", ""]
    return st.sampled_from(edges)


def hostile_text() -> st.SearchStrategy[str]:
    """Anything, of any type: numbers of every spelling, odd dates, every Unicode category."""
    return st.one_of(
        number_strings(),
        date_strings(),
        any_text(),
        st.sampled_from(["\x00", "\x01", "\x1f", "\ufffe", "\uffff", "\ud800x", "]]>"]),
        st.sampled_from(
            ["&#0;", "&#x1;", "&#xD800;", "&#xFFFE;", "&#99999999;", "&undefined;"]
        ).map(Markup),
        st.integers(1, 20_000).map(lambda n: "9" * n),
    )


def xml_text(min_size: int = 0, max_size: int = 80) -> st.SearchStrategy[str]:
    """Text XML 1.0 can carry."""
    return st.text(
        st.characters(exclude_categories=("Cs",), exclude_characters="\ufffe\uffff").filter(
            lambda c: c in "\t\n\r" or ord(c) >= 0x20
        ),
        min_size=min_size,
        max_size=max_size,
    )


def _builtin_kind(type_: Any) -> str:
    """The builtin type a restriction ends in, integer types folded into "integer"."""
    names = []
    while type_ is not None:
        names.append(type_.local_name)
        type_ = getattr(type_, "base_type", None)
    return "integer" if "integer" in names else (names[-1] or "string")


def _facet(type_: Any, name: str) -> Any:
    facet = type_.facets.get(f"{{{XS}}}{name}") if hasattr(type_, "facets") else None
    return getattr(facet, "value", None)


# --- Serialising -------------------------------------------------------------------------------


def serialise(node: Node, prefixes: dict[str, str]) -> str:
    """XML text of a node: `prefixes` maps namespaces declared on the envelope to their prefix."""
    namespace, _, local = (
        node.name[1:].partition("}") if node.name.startswith("{") else ("", "", node.name)
    )
    declare = ""
    if namespace and namespace not in prefixes:
        prefixes = {**prefixes, namespace: f"n{len(prefixes)}"}
        declare = f" xmlns:{prefixes[namespace]}={quoteattr(namespace)}"
    tag = f"{prefixes[namespace]}:{local}" if namespace else local
    attributes = "".join(
        f" {_attribute_name(name, prefixes)}={quoteattr(value)}" for name, value in node.attributes
    )
    if isinstance(node.content, Markup):
        inner = str(node.content)
    elif isinstance(node.content, str):
        inner = escape(node.content)
    else:
        inner = "".join(serialise(child, prefixes) for child in node.content)
    return f"<{tag}{declare}{attributes}>{inner}</{tag}>"


def _attribute_name(name: str, prefixes: dict[str, str]) -> str:
    namespace, _, local = name[1:].partition("}")
    return f"{prefixes[namespace]}:{local}"


def envelope(node: Node, envelope_namespace: str) -> bytes:
    """The node as the body of an envelope; text XML forbids is kept (lone surrogates as the
    bytes a careless client would send)."""
    prefixes = {envelope_namespace: "e", XSI: "xsi"}
    body = serialise(node, prefixes)
    text = (
        f'<?xml version="1.0" encoding="UTF-8"?><e:Envelope xmlns:e="{envelope_namespace}" '
        f'xmlns:xsi="{XSI}"><e:Body>{body}</e:Body></e:Envelope>'
    )
    return text.encode("utf-8", "surrogatepass")
