"""The Schematron rule sets, compiled to XSLT with SchXslt2 and run with saxonche.

Two rule sets judge our notices; every validation report names the one it used:

- ``eu``: the eForms SDK's business rules (``schematrons/static/complete-validation.sch``),
  for the EU forms (subtypes 16 and 29).
- ``nor-national-e``: Norway's rules for the national forms E2–E4, rebuilt here the way
  eforms-sdk-nor's Makefile builds ``national-e-eforms-static.sch`` and
  ``national-e-norway.sch``: the SDK rules with its includes resolved (``sch-include.xslt``)
  and cleaned for the national forms (``sch-cleanup-national-e.xslt``: subtype rules other than
  E2–E4 and a few EU-only checks removed), plus the national rules of
  ``src/fields/national-e.yaml`` placed at their fields (the contexts below, which
  eforms-sdk-nor takes from the SDK's field definitions). Left out: the message translation
  step (``sch-switch-message.xslt``; the SDK's translations are not in the reference copy), so
  failures are reported by rule id and field, not by the SDK's sentences.

Building is slow (a transpiled rule set is ~50 MB of XSLT; Saxon compiles it in one to two
minutes), so each rule set is transpiled once into ``EFORMS_CACHE_DIR/<SDK folder>-<hash>/`` and
compiled once per process.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from lxml import etree

from marketplace.errors import DomainError

SCH = "http://purl.oclc.org/dsdl/schematron"
EU = "eu"
NATIONAL_E = "nor-national-e"
RULE_SET_NAMES = {
    EU: "eForms SDK 1.14.2 business rules (complete-validation.sch, on the notice as sent to TED)",
    NATIONAL_E: "Norway's national-e rules (eforms-sdk-nor: SDK rules for E2–E4 + national-e.yaml)",
}
# Where each field of national-e.yaml sits (the SDK's field definitions, fields.json).
LOT = "/*/cac:ProcurementProjectLot[cbc:ID/@schemeName='Lot']"
PART = "/*/cac:ProcurementProjectLot[cbc:ID/@schemeName='Part']"
EXT = "ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension"
NATIONAL_E_FIELDS = {
    "ND-Root": "/*",
    "BT-05(a)-notice": "/*/cbc:IssueDate",
    "BT-11-Procedure-Buyer": (
        "/*/cac:ContractingParty/cac:ContractingPartyType/cbc:PartyTypeCode"
        "[@listName='buyer-legal-type']"
    ),
    "BT-137-Lot": f"{LOT}/cbc:ID",
    "BT-27-Lot": f"{LOT}/cac:ProcurementProject/cac:RequestedTenderTotal"
    "/cbc:EstimatedOverallContractAmount",
    "BT-27-Part": f"{PART}/cac:ProcurementProject/cac:RequestedTenderTotal"
    "/cbc:EstimatedOverallContractAmount",
    "BT-27-Procedure": "/*/cac:ProcurementProject/cac:RequestedTenderTotal"
    "/cbc:EstimatedOverallContractAmount",
    "BT-271-Lot": f"{LOT}/cac:ProcurementProject/cac:RequestedTenderTotal/{EXT}"
    "/efbc:FrameworkMaximumAmount",
    "BT-271-Procedure": f"/*/cac:ProcurementProject/cac:RequestedTenderTotal/{EXT}"
    "/efbc:FrameworkMaximumAmount",
    "BT-536-Lot": f"{LOT}/cac:ProcurementProject/cac:PlannedPeriod/cbc:StartDate",
    "BT-536-Part": f"{PART}/cac:ProcurementProject/cac:PlannedPeriod/cbc:StartDate",
    "BT-537-Lot": f"{LOT}/cac:ProcurementProject/cac:PlannedPeriod/cbc:EndDate",
    "BT-537-Part": f"{PART}/cac:ProcurementProject/cac:PlannedPeriod/cbc:EndDate",
    "BT-539-Lot": f"{LOT}/cac:TenderingTerms/cac:AwardingTerms/cac:AwardingCriterion"
    "/cac:SubordinateAwardingCriterion/cbc:AwardingCriterionTypeCode"
    "[@listName='award-criterion-type']",
    "BT-702(a)-notice": "/*/cbc:NoticeLanguageCode",
    "BT-702(b)-notice": "/*/cac:AdditionalNoticeLanguage/cbc:ID",
    "OPP-070-notice": f"/*/{EXT}/efac:NoticeSubType/cbc:SubTypeCode",
    "OPT-002-notice": "/*/cbc:CustomizationID",
}
NAMESPACES = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    "efac": "http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1",
    "efext": "http://data.europa.eu/p27/eforms-ubl-extensions/1",
    "efbc": "http://data.europa.eu/p27/eforms-ubl-extension-basic-components/1",
    "can": "urn:oasis:names:specification:ubl:schema:xsd:ContractAwardNotice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2",
    "pin": "urn:oasis:names:specification:ubl:schema:xsd:PriorInformationNotice-2",
    "xs": "http://www.w3.org/2001/XMLSchema",
}
NOR_LET = (
    "replace(/*/ext:UBLExtensions/ext:UBLExtension/ext:ExtensionContent/efext:EformsExtension"
    "/efac:NoticeSubType/cbc:SubTypeCode/normalize-space(), 'N', '')"
)
# Norway patches the SDK before cleaning it (src/patch/eforms-sdk/, not in the reference copy)
# so that Norwegian text passes the SDK's language lists; the same change, done here.
EU_LANGUAGES = (
    "('BUL', 'CES', 'DAN', 'DEU', 'ELL', 'ENG', 'EST', 'FIN', 'FRA', 'GLE', 'HRV', 'HUN', 'ITA', "
    "'LAV', 'LIT', 'MLT', 'NLD', 'POL', 'POR', 'RON', 'SLK', 'SLV', 'SPA', 'SWE')"
)
NOR_LANGUAGES = EU_LANGUAGES[:-1] + ", 'NOR', 'NOB', 'NNO')"
OFFICIAL_LANGUAGES = (
    "('BUL', 'CES', 'DAN', 'DEU', 'ELL', 'ENG', 'EST', 'FIN', 'FRA', 'GLE', 'HRV', 'HUN', 'ITA', "
    "'LAV', 'LIT', 'MLT', 'NLD', 'POL', 'POR', 'RON', 'SLK', 'SLV', 'SPA', 'SWE')"
)


class EformsNotConfigured(DomainError):
    code = "eforms_not_configured"


@dataclass(frozen=True)
class Sources:
    sdk: Path
    nor: Path | None
    transpiler: Path

    @property
    def key(self) -> str:
        """The cache folder: the SDK folder's name and a hash of every rule file used."""
        digest = hashlib.sha256()
        files = sorted((self.sdk / "schematrons" / "static").glob("*.sch"))
        if self.nor is not None:
            files += [
                self.nor / "src" / "fields" / "national-e.yaml",
                self.nor / "src" / "xslt" / "sch-cleanup-national-e.xslt",
                self.nor / "src" / "codelists-no" / "award-criterion-type.no.yaml",
            ]
        for path in [*files, self.transpiler]:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
        return f"{self.sdk.name}-{digest.hexdigest()[:12]}"


def sources() -> Sources:
    """The configured SDK (and Norway's tailoring beside it); refuses clearly when unset."""
    sdk = Path(settings.EFORMS_SDK_DIR) if settings.EFORMS_SDK_DIR else None
    if sdk is None or not (sdk / "schemas" / "maindoc").is_dir():
        raise EformsNotConfigured(
            _(
                "eForms validation is not configured: set EFORMS_SDK_DIR to the eForms SDK "
                "1.14.2 folder (schemas/, schematrons/)."
            )
        )
    nor = Path(settings.EFORMS_NOR_DIR) if settings.EFORMS_NOR_DIR else None
    if nor is not None and not (nor / "src" / "fields" / "national-e.yaml").is_file():
        nor = None
    transpiler = sdk.parent / "schxslt2" / "transpile.xsl"
    if not transpiler.is_file():
        raise EformsNotConfigured(
            _("eForms validation is not configured: SchXslt2 (schxslt2/transpile.xsl) is missing.")
        )
    return Sources(sdk=sdk, nor=nor, transpiler=transpiler)


def national_rules_schematron(nor: Path) -> bytes:
    """Norway's national-e rules (national-e.yaml) as a Schematron schema, rule per field."""
    data = yaml.safe_load((nor / "src" / "fields" / "national-e.yaml").read_text("utf-8"))
    schema = etree.Element(f"{{{SCH}}}schema", nsmap={None: SCH})
    schema.set("queryBinding", "xslt2")
    for prefix, uri in NAMESPACES.items():
        etree.SubElement(schema, f"{{{SCH}}}ns", prefix=prefix, uri=uri)
    etree.SubElement(schema, f"{{{SCH}}}let", name="noticeSubType", value=NOR_LET)
    etree.SubElement(schema, f"{{{SCH}}}let", name="official_languages", value=OFFICIAL_LANGUAGES)
    pattern = etree.SubElement(schema, f"{{{SCH}}}pattern", id="national-e-norway")
    rules: dict[str, list[tuple[str, dict]]] = {}
    for field, field_rules in (data.get("rules") or {}).items():
        context = NATIONAL_E_FIELDS.get(field)
        if context is None:
            raise ValueError(f"national-e.yaml names a field without a known place: {field}")
        for rule in field_rules:
            rules.setdefault(context, []).append((field, rule))
    for field, definition in (data.get("fields") or {}).items():
        if (definition.get("mandatory") or {}).get("severity") == "ERROR":
            parent, _sep, leaf = definition["xpath"].rpartition("/")
            rules.setdefault(parent or "/*", []).append(
                (
                    field,
                    {
                        "id": f"{field}-mandatory",
                        "test": f"exists({leaf})",
                        "message": f"{field} is mandatory.",
                    },
                )
            )
    for context in sorted(rules):
        element = etree.SubElement(pattern, f"{{{SCH}}}rule", context=context)
        for field, rule in rules[context]:
            assertion = etree.SubElement(
                element, f"{{{SCH}}}assert", id=rule["id"], test=rule["test"], role="ERROR"
            )
            assertion.set("diagnostics", field)
            assertion.text = rule["message"]
    return etree.tostring(schema, xml_declaration=True, encoding="UTF-8")


class _Compiled:
    """Compiled stylesheets per rule-set file, shared by the process (Saxon is thread-safe for
    running a compiled executable; compiling is serialised)."""

    lock = threading.Lock()
    processor = None
    executables: dict[str, object] = {}


def _processor():
    # saxonche is a heavy native library: loaded only when Schematron rules run
    from saxonche import PySaxonProcessor

    if _Compiled.processor is None:
        _Compiled.processor = PySaxonProcessor(license=False)
    return _Compiled.processor


def _transform(source: Path, stylesheet: Path, output: Path, **parameters: str) -> None:
    processor = _processor()
    xslt = processor.new_xslt30_processor()
    executable = xslt.compile_stylesheet(stylesheet_file=str(stylesheet))
    for name, value in parameters.items():
        executable.set_parameter(name, processor.make_string_value(value))
    executable.transform_to_file(source_file=str(source), output_file=str(output))


def _transpiled(src: Sources, rule_set: str) -> list[Path]:
    """The XSLT files of ``rule_set`` in the cache, transpiling what is missing."""
    folder = Path(settings.EFORMS_CACHE_DIR) / src.key
    folder.mkdir(parents=True, exist_ok=True)
    complete = src.sdk / "schematrons" / "static" / "complete-validation.sch"
    if rule_set == EU:
        target = folder / "eu.xsl"
        if not target.exists():
            _atomic(lambda tmp: _transform(complete, src.transpiler, tmp), target)
        return [target]
    if src.nor is None:
        raise EformsNotConfigured(
            _("Norway's eForms rules are not configured: set EFORMS_NOR_DIR (eforms-sdk-nor).")
        )
    xslt = src.nor / "src" / "xslt"
    static_sch, static = folder / "national-e-eforms-static.sch", folder / "national-e-static.xsl"
    norway_sch, norway = folder / "national-e-norway.sch", folder / "national-e-norway.xsl"
    if not static.exists():
        included = folder / "eforms-static.sch"
        _atomic(lambda tmp: _transform(complete, xslt / "sch-include.xslt", tmp), included)
        _atomic(
            lambda tmp: _transform(
                included, xslt / "sch-cleanup-national-e.xslt", tmp, removed=_removed(src.nor)
            ),
            static_sch,
        )
        static_sch.write_text(_norwegian(static_sch.read_text("utf-8"), src.nor), "utf-8")
        _atomic(lambda tmp: _transform(static_sch, src.transpiler, tmp), static)
    if not norway.exists():
        norway_sch.write_bytes(national_rules_schematron(src.nor))
        _atomic(lambda tmp: _transform(norway_sch, src.transpiler, tmp), norway)
    return [static, norway]


def _norwegian(rules: str, nor: Path) -> str:
    """What Norway's SDK patch and national code lists allow: Norwegian as a text language and
    the national award criterion types (src/codelists-no/award-criterion-type.no.yaml)."""
    codelist = nor / "src" / "codelists-no" / "award-criterion-type.no.yaml"
    codes = [entry["code"] for entry in yaml.safe_load(codelist.read_text("utf-8"))["codes"]]
    criterion_types = "('cost', 'price', 'quality'" + "".join(f", '{c}'" for c in codes) + ")"
    return rules.replace(EU_LANGUAGES, NOR_LANGUAGES).replace(
        "('cost', 'price', 'quality')", criterion_types
    )


def _removed(nor: Path) -> str:
    data = yaml.safe_load((nor / "src" / "fields" / "national-e.yaml").read_text("utf-8"))
    return ",".join(data.get("removed") or []) or "NA"


def _atomic(write, target: Path) -> None:
    """Write through a temporary file, so an interrupted build never leaves half a file; the
    file is the process's own, so two processes building at once (xdist workers) never share it."""
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    write(tmp)
    tmp.replace(target)


def executables(rule_set: str) -> list:
    """The compiled stylesheets of ``rule_set`` (compiled on first use in this process)."""
    src = sources()
    with _Compiled.lock:
        result = []
        for path in _transpiled(src, rule_set):
            key = str(path)
            if key not in _Compiled.executables:
                xslt = _processor().new_xslt30_processor()
                _Compiled.executables[key] = xslt.compile_stylesheet(stylesheet_file=key)
            result.append(_Compiled.executables[key])
        return result


def for_ted(xml: bytes) -> bytes:
    """A notice of Doffin's EU profile as Doffin forwards it to TED (eforms-sdk-nor's
    ``nor-to-eforms.xslt``); unchanged when Norway's tailoring is not configured."""
    src = sources()
    if src.nor is None or b"#extended#urn:fdc:anskaffelser.no" not in xml:
        return xml
    stylesheet = str(src.nor / "src" / "xslt" / "nor-to-eforms.xslt")
    with _Compiled.lock:
        if stylesheet not in _Compiled.executables:
            xslt = _processor().new_xslt30_processor()
            _Compiled.executables[stylesheet] = xslt.compile_stylesheet(stylesheet_file=stylesheet)
        executable = _Compiled.executables[stylesheet]
    node = _processor().parse_xml(xml_text=xml.decode("utf-8"))
    return executable.transform_to_string(xdm_node=node).encode("utf-8")
