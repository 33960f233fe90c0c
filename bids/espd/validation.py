"""Checking ESPD documents against ESPD-EDM 4.1.0: the UBL 2.3 XSD (lxml) and the business rules
(the Schematron compiled to XSLT 2, run with Saxon-HE through ``saxonche``).

Both need the ESPD-EDM files (``settings.ESPD_EDM_DIR``); the product does not otherwise need
them. A rule flagged ``warning`` is reported but does not make a document invalid.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

from bids.espd.taxonomy import edm_dir

SVRL = "http://purl.oclc.org/dsdl/svrl"
SCHEMAS = {
    "response": "ubl-2.3/xsdrt/maindoc/UBL-QualificationApplicationResponse-2.3.xsd",
    "request": "ubl-2.3/xsdrt/maindoc/UBL-QualificationApplicationRequest-2.3.xsd",
}
RULES_DIRS = {"response": "validation/ESPDResponse/xsl", "request": "validation/ESPDRequest/xsl"}


@dataclass(frozen=True)
class Finding:
    rule: str  # BR-… id, or "XSD"
    flag: str  # fatal, error, warning
    message: str
    location: str = ""

    def __str__(self) -> str:
        where = f" ({self.location})" if self.location else ""
        return f"{self.rule} [{self.flag}] {self.message}{where}"


def safe_parser() -> etree.XMLParser:
    """No DTDs, no entities, no network: an uploaded file cannot reach anything."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@lru_cache(maxsize=2)
def _schema(kind: str, root: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(Path(root) / SCHEMAS[kind])))


def xsd_findings(document: bytes, *, kind: str = "response") -> list[Finding]:
    schema = _schema(kind, str(edm_dir()))
    tree = etree.fromstring(document, safe_parser()).getroottree()
    if schema.validate(tree):
        return []
    return [
        Finding("XSD", "fatal", " ".join(error.message.split()), f"line {error.line}")
        for error in schema.error_log
    ]


# Saxon's processor is not shared across threads; each thread compiles the rules once.
_local = threading.local()


def _executables(kind: str) -> list:
    cache = getattr(_local, "executables", None)
    if cache is None:
        cache = _local.executables = {}
    key = (kind, str(edm_dir()))
    if key not in cache:
        # Loaded on first use on purpose: Saxon is a large native library that only the
        # validation of an ESPD document needs (not every process that imports this module).
        from saxonche import PySaxonProcessor

        processor = PySaxonProcessor(license=False)
        compiler = processor.new_xslt30_processor()
        folder = edm_dir() / RULES_DIRS[kind]
        cache[key] = (
            processor,
            [
                compiler.compile_stylesheet(stylesheet_file=str(path))
                for path in sorted(folder.glob("*.xsl"))
            ],
        )
    return cache[key]


def rule_findings(document: bytes, *, kind: str = "response") -> list[Finding]:
    """Every failed assertion of the business rules, warnings included."""
    processor, executables = _executables(kind)
    node = processor.parse_xml(xml_text=document.decode("utf-8"))
    findings = []
    for executable in executables:
        report = executable.transform_to_string(xdm_node=node)
        root = etree.fromstring(report.encode(), safe_parser())
        for failed in root.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
            findings.append(
                Finding(
                    rule=failed.get("id") or "codelist",
                    flag=failed.get("flag") or "error",
                    message=" ".join("".join(failed.itertext()).split()),
                    location=failed.get("location", ""),
                )
            )
    return findings


def errors(document: bytes, *, kind: str = "response", rules: bool = True) -> list[Finding]:
    """What makes the document invalid: XSD errors, then fatal and error rule findings."""
    found = xsd_findings(document, kind=kind)
    if found or not rules:
        return found
    return [f for f in rule_findings(document, kind=kind) if f.flag != "warning"]
