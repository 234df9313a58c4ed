"""Hostile envelopes for the SOAP fuzz and parity tests: a valid body element, mutated
(elements reordered, duplicated, dropped or renamespaced, attributes, text and children added,
xsi:nil), inside an envelope of the endpoint's version, sometimes the other or a mix."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from lxml import etree

from tests.fuzzing import date_strings, number_strings
from tests.soap.conftest import ENV11, ENV12, ENVELOPES, TNS

XSI = "http://www.w3.org/2001/XMLSchema-instance"
T = f"{{{TNS}}}"
Tree = tuple[str, Any]  # (local name, text or list of child trees)


EXTREMES = [
    "1e400", "1E+30", "1" + "0" * 30, "-1" + "0" * 30, "18446744073709551616", "-0", "+1", "0",
    "NaN", "INF", "-INF", "0.001", "99999999.995", ".5", "5.", "0x10", " 7 ", "", "true",
    "0000-00-00", "9999-12-31", "2024-02-30", "-2024-01-01", "2024-01-01Z", "2024-01-01+14:00",
    "12024-01-01", "1990-02-01T00:00:00",
]  # fmt: skip


ATTRIBUTES = ["a", "id", f"{{{XSI}}}type", f"{{{ENV11}}}mustUnderstand",
              f"{{{ENV12}}}encodingStyle", f"{{{TNS}}}version"]  # fmt: skip
MUTATIONS = ["reorder", "duplicate", "drop", "namespace", "attribute", "text", "child", "nil"]


def xml_text(max_size: int = 80) -> st.SearchStrategy[str]:
    """Text XML 1.0 can carry (lxml refuses the rest when building the tree)."""
    return st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff").filter(
            lambda c: c in "\t\n\r" or ord(c) >= 0x20
        ),
        max_size=max_size,
    )


def leaf_values() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(EXTREMES),
        number_strings(),
        date_strings(),
        xml_text(),
        st.integers(min_value=1, max_value=250_000).map(lambda n: "a" * n),
    )


def _elements(root: etree._Element) -> list[etree._Element]:
    return [element for element in root.iter() if isinstance(element.tag, str)]


def _pick(draw: Callable, root: etree._Element) -> etree._Element:
    return draw(st.sampled_from(_elements(root)))


@st.composite
def mutated(draw: Callable, body: etree._Element) -> etree._Element:
    root = copy.deepcopy(body)
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        target = _pick(draw, root)
        parent = target.getparent()
        mutation = draw(st.sampled_from(MUTATIONS))
        if mutation == "reorder" and len(target):
            children = draw(st.permutations(list(target)))
            for child in children:
                target.append(child)
        elif mutation == "duplicate" and parent is not None:
            parent.insert(parent.index(target), copy.deepcopy(target))
        elif mutation == "drop" and parent is not None:
            parent.remove(target)
        elif mutation == "namespace":
            namespace = draw(st.sampled_from(["urn:wrong", "", ENV11, ENV12, XSI, TNS + "x"]))
            target.tag = (
                f"{{{namespace}}}{etree.QName(target).localname}"
                if namespace
                else (etree.QName(target).localname)
            )
        elif mutation == "attribute":
            value = draw(st.one_of(st.sampled_from(["1", "xs:string", "true"]), xml_text(20)))
            target.set(draw(st.sampled_from(ATTRIBUTES)), value)
        elif mutation == "text" and not len(target):
            target.text = draw(leaf_values())
        elif mutation == "child":
            name = draw(st.sampled_from(["id", "x", "book", "filter", "Fault"]))
            etree.SubElement(target, T + name).text = draw(leaf_values())
        elif mutation == "nil":
            target.set(f"{{{XSI}}}nil", "true")
            for child in list(target):
                target.remove(child)
    return root


def build(tree: Tree) -> etree._Element:
    name, content = tree
    element = etree.Element(T + name, nsmap={"t": TNS})
    if isinstance(content, list):
        for child in content:
            element.append(build(child))
    else:
        element.text = content
    return element


@st.composite
def envelopes(draw: Callable, body: etree._Element, version: str) -> bytes:
    """The body in an envelope: usually the endpoint's version, sometimes the other or a mix."""
    outer = draw(st.sampled_from([version] * 4 + ["1.1", "1.2"]))
    inner = draw(st.sampled_from([outer] * 4 + ["1.1", "1.2"]))
    envelope = etree.Element(f"{{{ENVELOPES[outer]}}}Envelope", nsmap={"e": ENVELOPES[outer]})
    if draw(st.booleans()):
        header = etree.SubElement(envelope, f"{{{ENVELOPES[outer]}}}Header")
        extra = etree.SubElement(header, draw(st.sampled_from([T + "Trace", "{urn:x}Trace"])))
        if draw(st.booleans()):
            extra.set(f"{{{ENVELOPES[outer]}}}mustUnderstand", draw(st.sampled_from(["1", "0"])))
    holder = etree.SubElement(envelope, f"{{{ENVELOPES[inner]}}}Body")
    holder.append(draw(mutated(body)))
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")
