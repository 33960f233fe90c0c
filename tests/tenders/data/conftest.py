"""Fixtures for the open-data tests: the shared reference files and small notices written here."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from django.conf import settings


def reference_file(*parts: str) -> Path:
    path = Path(settings.PILOTMARKED_DATA_DIR).joinpath(*parts)
    if not path.exists():
        pytest.fail(f"{path} is missing: set PILOTMARKED_DATA_DIR to the shared reference data")
    return path


EFORMS_NOTICE = """<?xml version="1.0" encoding="UTF-8"?>
<ContractNotice xmlns="urn:oasis:names:specification:ubl:schema:xsd:ContractNotice-2"
    xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
    xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
    xmlns:efac="http://data.europa.eu/p27/eforms-ubl-extension-aggregate-components/1"
    xmlns:efext="http://data.europa.eu/p27/eforms-ubl-extensions/1"
    xmlns:ext="urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2">
  <ext:UBLExtensions><ext:UBLExtension><ext:ExtensionContent><efext:EformsExtension>
    <efac:Organizations><efac:Organization><efac:Company>
      <cac:PartyIdentification><cbc:ID schemeName="organization">ORG-0001</cbc:ID></cac:PartyIdentification>
      <cac:PartyName><cbc:Name languageID="NOB">Akershus fylkeskommune</cbc:Name></cac:PartyName>
      <cac:PartyLegalEntity><cbc:CompanyID>930 580 783</cbc:CompanyID></cac:PartyLegalEntity>
    </efac:Company></efac:Organization></efac:Organizations>
  </efext:EformsExtension></ext:ExtensionContent></ext:UBLExtension></ext:UBLExtensions>
  <cbc:ID schemeName="notice-id">{notice_id}</cbc:ID>
  <cbc:IssueDate>2026-09-01+02:00</cbc:IssueDate>
  <cbc:IssueTime>09:00:00+02:00</cbc:IssueTime>
  <cbc:NoticeTypeCode listName="{list_name}">{notice_type}</cbc:NoticeTypeCode>
  <cac:ContractingParty><cac:Party><cac:PartyIdentification>
    <cbc:ID schemeName="organization">ORG-0001</cbc:ID>
  </cac:PartyIdentification></cac:Party></cac:ContractingParty>
  <cac:TenderingProcess><cbc:ProcedureCode listName="procurement-procedure-type">open</cbc:ProcedureCode></cac:TenderingProcess>
  <cac:ProcurementProject>
    <cbc:Name languageID="ENG">Snow clearing</cbc:Name>
    <cbc:Name languageID="NOB">{title}</cbc:Name>
    <cbc:Description languageID="NOB">Brøyting av fylkesveier &amp; gang- og sykkelveier.</cbc:Description>
    <cbc:ProcurementTypeCode listName="contract-nature">services</cbc:ProcurementTypeCode>
    <cac:RequestedTenderTotal><cbc:EstimatedOverallContractAmount currencyID="NOK">2500000</cbc:EstimatedOverallContractAmount></cac:RequestedTenderTotal>
    <cac:MainCommodityClassification><cbc:ItemClassificationCode listName="cpv">90620000</cbc:ItemClassificationCode></cac:MainCommodityClassification>
    <cac:AdditionalCommodityClassification><cbc:ItemClassificationCode listName="cpv">90000000</cbc:ItemClassificationCode></cac:AdditionalCommodityClassification>
  </cac:ProcurementProject>
  <cac:ProcurementProjectLot>
    <cbc:ID schemeName="Lot">LOT-0001</cbc:ID>
    <cac:TenderingProcess>
      <cac:TenderSubmissionDeadlinePeriod><cbc:EndDate>{deadline_date}</cbc:EndDate><cbc:EndTime>{deadline_time}</cbc:EndTime></cac:TenderSubmissionDeadlinePeriod>
      <cac:AdditionalInformationRequestPeriod><cbc:EndDate>2026-10-20+02:00</cbc:EndDate><cbc:EndTime>12:00:00+02:00</cbc:EndTime></cac:AdditionalInformationRequestPeriod>
    </cac:TenderingProcess>
    <cac:ProcurementProject><cbc:Name languageID="NOB">Nord</cbc:Name>
      <cac:MainCommodityClassification><cbc:ItemClassificationCode>90620000</cbc:ItemClassificationCode></cac:MainCommodityClassification>
    </cac:ProcurementProject>
  </cac:ProcurementProjectLot>
  <cac:ProcurementProjectLot>
    <cbc:ID schemeName="Lot">LOT-0002</cbc:ID>
    <cac:ProcurementProject><cbc:Name languageID="NOB">Sør</cbc:Name></cac:ProcurementProject>
  </cac:ProcurementProjectLot>
</ContractNotice>
"""  # noqa: E501


def eforms_notice(
    *,
    notice_id: str = "2026-123456",
    title: str = "Brøyting i Akershus",
    notice_type: str = "cn-standard",
    list_name: str = "competition",
    deadline_date: str = "2026-11-02+01:00",
    deadline_time: str = "12:00:00+01:00",
) -> str:
    return EFORMS_NOTICE.format(
        notice_id=notice_id,
        title=title,
        notice_type=notice_type,
        list_name=list_name,
        deadline_date=deadline_date,
        deadline_time=deadline_time,
    )


def scrape_row(**overrides) -> dict:
    row = {
        "adresse": "Postboks 1200",
        "beskrivelse": ["Rammeavtale for kontormøbler.", "Se konkurransegrunnlaget."],
        "cpv": "Office furniture",
        "cpvmain": "Furniture",
        "cpvnumber": "39130000",
        "form": "F02",
        "kunngjoringsdato": "2026-09-02",
        "nettside": "https://www.akershus.no",
        "oppdragsgiver": "Akershus fylkeskommune",
        "orgnr": "930 580 783",
        "sted": "Oslo",
        "tilbudsfrist": "2026-11-02",
        "tilleggsCPV": [{"39000000": "Furniture"}, {"39100000": "Furniture"}],
        "tittel": "Kontormøbler til fylkeshuset",
        "url_dokumentasjon": "https://permalink.mercell.com/1.aspx",
    }
    row.update(overrides)
    return row


# --- OCDS validation -------------------------------------------------------------------------


def _schema(name: str) -> dict:
    import json

    return json.loads(reference_file("ocds-1.1.5-schema", name).read_text(encoding="utf-8"))


def extended_release_schema() -> dict:
    """OCDS 1.1.5's release schema with our declared extensions applied as the standard applies
    them: each extension's release-schema.json as a JSON Merge Patch (RFC 7386), in order."""
    import json_merge_patch

    from tenders.ocds.extensions import extension_patches

    schema = _schema("release-schema.json")
    for patch in extension_patches():
        schema = json_merge_patch.merge(schema, patch)
    return schema


def _closed(schema):
    """A copy of ``schema`` where every object with declared properties allows no others, so a
    field no schema or extension declares is an error ("additional properties")."""
    if isinstance(schema, list):
        return [_closed(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    closed = {key: _closed(value) for key, value in schema.items()}
    if isinstance(schema.get("properties"), dict) and "additionalProperties" not in schema:
        closed["additionalProperties"] = False
    return closed


def ocds_errors(package: dict, kind: str = "release", *, undeclared: bool = True) -> list[str]:
    """jsonschema's errors for a release (kind="release") or record package, against the local
    1.1.5 schemas with the package's declared extensions applied (nothing is downloaded).

    ``undeclared``: a field neither the standard nor a declared extension defines is an error
    too (the core schema itself allows additional fields)."""
    from jsonschema import Draft4Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    from tenders.ocds.extensions import extension_urls

    declared = package.get("extensions", [])
    if declared:
        assert declared == extension_urls(), "the package declares other extensions than ours"
    release_schema = extended_release_schema() if declared else _schema("release-schema.json")
    if undeclared:
        release_schema = _closed(release_schema)
    package_schema = _schema(f"{kind}-package-schema.json")
    registry = Registry().with_resources(
        [
            (schema["id"], Resource(contents=schema, specification=DRAFT4))
            for schema in (release_schema, package_schema)
        ]
    )
    validator = Draft4Validator(package_schema, registry=registry, format_checker=FormatChecker())
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(package)
    ]


class _LocalSchemaWeb:
    """Stands in for ``requests`` inside jsonref: serves the standard's schema files from the
    local copy and refuses every other address (the network is the edge we fake)."""

    class _Response:
        def __init__(self, data: dict):
            self.data = data

        def raise_for_status(self) -> None:
            return None

        def json(self, **kwargs) -> dict:
            return self.data

    def get(self, uri: str, **kwargs):
        prefix = "https://standard.open-contracting.org/schema/1__1__5/"
        if not uri.startswith(prefix):
            raise AssertionError(f"libcoveocds tried to fetch {uri}")
        return self._Response(_schema(uri.removeprefix(prefix)))


class _LocalExtensions:
    """A requests transport adapter serving the pinned extensions' files from the repository
    (``tenders/ocds/extensions``) under their official URLs, file by file and as the GitHub
    archive of their tag or commit (what ocdsextensionregistry downloads); anything else is a
    404."""

    def __init__(self):
        from requests.adapters import BaseAdapter

        from tenders.ocds.extensions import EXTENSION_DIR, EXTENSIONS

        self.files = {
            url.removesuffix("extension.json"): EXTENSION_DIR / name for name, url in EXTENSIONS
        }
        self.archives = {}
        for name, url in EXTENSIONS:
            # https://raw.githubusercontent.com/<owner>/<repo>/<ref>/extension.json
            owner, repo, ref = url.split("/")[3:6]
            archive = f"https://github.com/{owner}/{repo}/archive/{ref}.zip"
            self.archives[archive] = (f"{repo}-{ref}", EXTENSION_DIR / name)

        class Adapter(BaseAdapter):
            def send(adapter, request, **kwargs):
                return self.answer(request)

            def close(adapter):
                return None

        self.adapter = Adapter()

    def answer(self, request):
        if request.url in self.archives:
            return self._response(request, 200, self._zip(*self.archives[request.url]))
        for base, folder in self.files.items():
            if request.url.startswith(base):
                path = folder / request.url.removeprefix(base)
                if path.is_file():
                    return self._response(request, 200, path.read_bytes())
        return self._response(request, 404, b"")

    @staticmethod
    def _response(request, status: int, content: bytes):
        import io

        from requests.models import Response
        from urllib3.response import HTTPResponse

        response = Response()
        response.url = request.url
        response.request = request
        response.status_code = status
        # requests-cache (ocdsextensionregistry's session) reads the raw urllib3 response too
        response.raw = HTTPResponse(
            body=io.BytesIO(content), status=status, preload_content=False, request_url=request.url
        )
        response._content = content
        return response

    @staticmethod
    def _zip(top: str, folder) -> bytes:
        import io
        import zipfile

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(f"{top}/", "")
            for path in sorted(folder.iterdir()):
                archive.writestr(f"{top}/{path.name}", path.read_bytes())
        return buffer.getvalue()


def cove_results(package: dict) -> dict:
    """libcoveocds' review, offline: the standard's schema comes from the local zip, and the
    package's extensions from the repository's pinned copies (served under their URLs).

    For record packages libcoveocds dereferences the record package schema with jsonref, which
    fetches the versioned-release schema by URL; that fetch is answered from the local files.
    """
    from unittest import mock

    import jsonref
    from libcoveocds.api import ocds_json_output
    from libcoveocds.config import LibCoveOCDSConfig
    from ocdsextensionregistry.util import session

    standard_zip = reference_file("ocds-standard-1__1__5.zip").resolve()
    config = LibCoveOCDSConfig({"standard_zip": f"file://{standard_zip}", "context": "api"})
    adapters = dict(session.adapters)
    local = _LocalExtensions()
    session.mount("https://raw.githubusercontent.com/", local.adapter)
    session.mount("https://github.com/", local.adapter)
    try:
        # libcoveocds writes the extended schema into ``output_dir`` (the working directory,
        # i.e. the repository, when it is not given).
        with (
            mock.patch.object(jsonref, "requests", _LocalSchemaWeb()),
            tempfile.TemporaryDirectory() as output_dir,
        ):
            return ocds_json_output(
                output_dir=output_dir,
                json_data=package,
                lib_cove_ocds_config=config,
                schema_version="1.1",
            )
    finally:
        session.adapters.clear()
        session.adapters.update(adapters)
