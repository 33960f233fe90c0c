"""Validate a notice: the SDK's XSD (lxml), then the Schematron rule set that applies.

``validate(xml)`` returns a ``Report`` naming each check it ran ("XSD", and the rule set from
``rulesets``) and every problem in words: the field it concerns (BT number and, for common
fields, its name), the rule, and where in the notice. The EU forms (subtypes 16, 29, ...) are
judged by the SDK's rules, Norway's national forms (CustomizationID ``...:national-e``) by
Norway's. Without the SDK it raises ``EformsNotConfigured`` instead of pretending.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _
from lxml import etree

from .rulesets import (
    EU,
    NATIONAL_E,
    RULE_SET_NAMES,
    EformsNotConfigured,
    _processor,
    executables,
    for_ted,
    sources,
)

ROOT_SCHEMAS = {
    "ContractNotice": "UBL-ContractNotice-2.3.xsd",
    "ContractAwardNotice": "UBL-ContractAwardNotice-2.3.xsd",
    "PriorInformationNotice": "UBL-PriorInformationNotice-2.3.xsd",
}
SVRL = "http://purl.oclc.org/dsdl/svrl"
XSD = "XSD"
# Names of the fields our notices carry, for messages a procurement officer can act on.
FIELD_NAMES = {
    "BT-01": "legal basis",
    "BT-02": "notice type",
    "BT-03": "form type",
    "BT-04": "procedure identifier",
    "BT-05": "notice dispatch date",
    "BT-06": "strategic procurement",
    "BT-11": "buyer legal type",
    "BT-13": "deadline for questions",
    "BT-131": "deadline for receipt of tenders",
    "BT-137": "lot identifier",
    "BT-14": "procurement documents restricted",
    "BT-15": "procurement documents address",
    "BT-17": "electronic submission",
    "BT-21": "title",
    "BT-22": "internal identifier",
    "BT-23": "main nature of the contract",
    "BT-24": "description",
    "BT-262": "main CPV code",
    "BT-263": "additional CPV codes",
    "BT-27": "estimated value",
    "BT-36": "duration",
    "BT-500": "organisation name",
    "BT-501": "organisation number",
    "BT-503": "telephone",
    "BT-506": "e-mail",
    "BT-507": "region (NUTS)",
    "BT-512": "postcode",
    "BT-513": "city",
    "BT-514": "country",
    "BT-5071": "place of performance (NUTS)",
    "BT-539": "award criterion type",
    "BT-541": "award criterion weight",
    "BT-702": "notice language",
    "BT-709": "maximum value",
    "BT-710": "lowest tender value",
    "BT-711": "highest tender value",
    "BT-720": "tender value",
    "BT-759": "number of tenders received",
    "BT-765": "framework agreement",
    "BT-771": "late tenderer information",
    "BT-97": "submission language",
    "OPP-070": "notice subtype",
    "OPT-002": "eForms SDK version",
}


@dataclass(frozen=True)
class Problem:
    check: str  # "XSD" or a rule set name (rulesets.EU, rulesets.NATIONAL_E)
    rule: str
    field: str
    location: str
    detail: str

    def __str__(self) -> str:
        return describe(self)


@dataclass
class Report:
    checks: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def judged_by(self) -> str:
        return " + ".join(
            XSD if check == XSD else RULE_SET_NAMES.get(check, check) for check in self.checks
        )

    def summary(self) -> str:
        if self.valid:
            return _("The notice is valid (%(checks)s).") % {"checks": self.judged_by}
        return _("The notice is not valid: %(count)d problem(s) found by %(checks)s.") % {
            "count": len(self.problems),
            "checks": self.judged_by,
        }


def field_name(field_id: str) -> str:
    base = re.match(r"^(BT|OPP|OPT)-\d+", field_id or "")
    return FIELD_NAMES.get(base.group(0), "") if base else ""


def describe(problem: Problem) -> str:
    """One line in words: which field, what failed, where."""
    name = field_name(problem.field)
    subject = f"{problem.field} ({name})" if name else (problem.field or _("the notice"))
    where = _readable_location(problem.location)
    if problem.check == XSD:
        return _("%(where)s: does not match the eForms schema: %(detail)s") % {
            "where": where,
            "detail": problem.detail,
        }
    return _("%(subject)s at %(where)s: breaks rule %(rule)s (%(detail)s)") % {
        "subject": subject,
        "where": where,
        "rule": problem.rule,
        "detail": problem.detail,
    }


def _readable_location(location: str) -> str:
    """SVRL locations spell namespaces out (``Q{urn:...}Name[1]``); keep the local names."""
    return re.sub(r"Q\{[^}]*\}", "", location or "") or "/"


@functools.lru_cache(maxsize=8)
def _schema(path: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(path))


def _parse(xml: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(xml, parser)


def rule_set_for(document: etree._Element) -> str:
    customization = document.findtext(
        "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}CustomizationID"
    )
    return NATIONAL_E if customization and customization.endswith(":national-e") else EU


def xsd_problems(document: etree._Element, sdk: Path) -> list[Problem]:
    name = etree.QName(document).localname
    if name not in ROOT_SCHEMAS:
        return [Problem(XSD, "root", "", "/", f"<{name}> is not an eForms notice")]
    schema = _schema(str(sdk / "schemas" / "maindoc" / ROOT_SCHEMAS[name]))
    if schema.validate(document):
        return []
    return [
        Problem(XSD, "xsd", "", f"line {error.line}", error.message)
        for error in schema.error_log  # type: ignore[attr-defined]
    ]


def schematron_problems(xml: bytes, rule_set: str) -> list[Problem]:
    # saxonche is a heavy native library: loaded only when Schematron rules run
    from saxonche import PySaxonApiError

    problems = []
    if rule_set == EU:
        # The SDK's rules judge what TED receives: Doffin's EU profile converted by Norway's
        # nor-to-eforms.xslt (the Norwegian text left out, the CustomizationID shortened).
        xml = for_ted(xml)
    for executable in executables(rule_set):
        try:
            svrl = executable.transform_to_string(xdm_node=_xdm(xml))
        except PySaxonApiError as exc:
            problems.append(Problem(rule_set, "run", "", "/", str(exc)))
            continue
        problems.extend(_failures(svrl, rule_set))
    return problems


def _xdm(xml: bytes):
    return _processor().parse_xml(xml_text=xml.decode("utf-8"))


def _failures(svrl: str, rule_set: str) -> list[Problem]:
    report = etree.fromstring(svrl.encode("utf-8"))
    problems = []
    for failure in report.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        if failure.get("role", "ERROR").upper() not in ("ERROR", "FATAL"):
            continue
        text = " ".join((failure.findtext(f"{{{SVRL}}}text") or "").split())
        reference = failure.find(f"{{{SVRL}}}diagnostic-reference")
        field = element = ""
        if reference is not None:
            field = _field_id(reference.get("diagnostic", ""))
            element = " ".join("".join(reference.itertext()).split())
        if text.startswith("rule|"):
            # The SDK's sentences live in its translations, which are not configured: say
            # which element the rule checks instead.
            text = _("checks %(element)s") % {"element": element} if element else ""
        problems.append(
            Problem(rule_set, failure.get("id", ""), field, failure.get("location", ""), text)
        )
    return problems


def _field_id(diagnostic: str) -> str:
    """``ND-LotTenderingProcess_BT-131_d_-Lot`` -> ``BT-131(d)-Lot``."""
    field = re.sub(r"^ND-[^_]*_", "", diagnostic)
    return re.sub(r"_([a-z]+)_", r"(\1)", field)


def validate(xml: bytes, *, schematron: bool = True) -> Report:
    """Check ``xml`` against the XSD and (unless ``schematron=False``) the rule set for its
    form. Raises ``EformsNotConfigured`` when the SDK is not configured."""
    src = sources()
    report = Report()
    try:
        document = _parse(xml)
    except etree.XMLSyntaxError as exc:
        report.checks.append(XSD)
        report.problems.append(Problem(XSD, "xml", "", f"line {exc.lineno}", str(exc)))
        return report
    report.checks.append(XSD)
    report.problems.extend(xsd_problems(document, src.sdk))
    if schematron:
        rule_set = rule_set_for(document)
        report.checks.append(rule_set)
        report.problems.extend(schematron_problems(xml, rule_set))
    return report


__all__ = ["EformsNotConfigured", "Problem", "Report", "describe", "validate"]
