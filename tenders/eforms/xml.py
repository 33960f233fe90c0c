"""Namespaces and a small element builder for eForms UBL documents."""

from __future__ import annotations

from lxml import etree

NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
    "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
}
ROOT_NS = {
    "ContractNotice": "urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2",
    "ContractAwardNotice": "urn:oasis:names:specification:ubl:schema:xsd:ContractAwardNotice-2",
}


def qname(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def root(name: str) -> etree._Element:
    return etree.Element(f"{{{ROOT_NS[name]}}}{name}", nsmap={None: ROOT_NS[name], **NS})


def add(parent: etree._Element, name: str, text=None, **attributes: str) -> etree._Element:
    """Append ``prefix:local`` to ``parent`` with ``text`` and attributes (``languageID=...``)."""
    element = etree.SubElement(parent, qname(name))
    if text is not None:
        element.text = str(text)
    for key, value in attributes.items():
        element.set(key, value)
    return element


def path(parent: etree._Element, *names: str) -> etree._Element:
    """Append a chain of nested elements and return the innermost one."""
    for name in names:
        parent = add(parent, name)
    return parent


def serialise(document: etree._Element) -> bytes:
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)
