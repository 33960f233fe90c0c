"""The ESPD criterion taxonomy: parsed from ESPD-EDM's ``ESPD-criterion.xml`` (import only) and
walked from the XML fragment each criterion keeps in the database (at run time).

Each criterion is stored as its ``cac:TenderingCriterion`` element, verbatim: the ESPD response
repeats it, and the business rules compare it with the taxonomy property by property, so a copy
is the one faithful form. :func:`groups` reads the fragment into plain data for forms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from lxml import etree

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NS = {"cac": CAC, "cbc": CBC}
TAXONOMY_PATH = "validation/ESPDResponse/xsl/ESPD-criterion.xml"


class Kind:
    EXCLUSION = "exclusion"
    SELECTION = "selection"
    OTHER = "other"


def kind_of(group_id: str) -> str:
    """The kind from the taxonomy's group ids: ``C1_EG_…`` exclusion, ``C25_SC_…`` selection."""
    part = group_id.split("/", 1)[0].split("_")
    tag = part[1] if len(part) > 1 else ""
    return {"EG": Kind.EXCLUSION, "SC": Kind.SELECTION}.get(tag, Kind.OTHER)


@dataclass(frozen=True)
class CriterionSpec:
    uuid: str
    code: str
    kind: str
    name: str
    description: str
    xml: str


def edm_dir() -> Path:
    return Path(settings.ESPD_EDM_DIR)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        remove_comments=True, resolve_entities=False, no_network=True, remove_blank_text=True
    )


def read_taxonomy(path: Path | None = None) -> list[CriterionSpec]:
    """Every criterion of the taxonomy, in its order."""
    path = path or edm_dir() / TAXONOMY_PATH
    root = etree.parse(str(path), _parser()).getroot()
    specs = []
    for element in root.findall("cac:TenderingCriterion", NS):
        first_group = element.findtext("cac:TenderingCriterionPropertyGroup/cbc:ID", "", NS)
        specs.append(
            CriterionSpec(
                uuid=element.findtext("cbc:ID", "", NS).strip(),
                code=element.findtext("cbc:CriterionTypeCode", "", NS).strip(),
                kind=kind_of(first_group),
                name=" ".join(element.findtext("cbc:Name", "", NS).split()),
                description=" ".join(element.findtext("cbc:Description", "", NS).split()),
                xml=etree.tostring(element, encoding="unicode"),
            )
        )
    return specs


# --- Walking a stored criterion -----------------------------------------------------------------


@dataclass
class Property:
    id: str
    type: str  # QUESTION, REQUIREMENT, CAPTION
    value_type: str  # INDICATOR, DESCRIPTION, AMOUNT, …
    description: str
    expected: str = ""  # what the buyer requires (REQUIREMENT), in words


@dataclass
class Group:
    id: str
    type: str  # ON*, ONTRUE, ONFALSE
    properties: list[Property] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)

    @property
    def questions(self) -> list[Property]:
        return [p for p in self.properties if p.type == "QUESTION"]


def parse_fragment(xml: str) -> etree._Element:
    return etree.fromstring(xml.encode(), _parser())


def _group(element: etree._Element) -> Group:
    group = Group(
        id=element.findtext("cbc:ID", "", NS).strip(),
        type=element.findtext("cbc:PropertyGroupTypeCode", "", NS).strip(),
    )
    for child in element:
        if child.tag == f"{{{CAC}}}TenderingCriterionProperty":
            expected = [
                (grandchild.text or "").strip()
                for grandchild in child
                if etree.QName(grandchild).localname.startswith(("Expected", "Minimum", "Maximum"))
            ]
            group.properties.append(
                Property(
                    id=child.findtext("cbc:ID", "", NS).strip(),
                    type=child.findtext("cbc:TypeCode", "", NS).strip(),
                    value_type=child.findtext("cbc:ValueDataTypeCode", "", NS).strip(),
                    description=" ".join(child.findtext("cbc:Description", "", NS).split()),
                    expected=" ".join(value for value in expected if value),
                )
            )
        elif child.tag == f"{{{CAC}}}SubsidiaryTenderingCriterionPropertyGroup":
            group.groups.append(_group(child))
    return group


def groups(xml: str) -> list[Group]:
    """The criterion's property groups as plain data, in document order."""
    root = parse_fragment(xml)
    return [_group(element) for element in root.findall("cac:TenderingCriterionPropertyGroup", NS)]
