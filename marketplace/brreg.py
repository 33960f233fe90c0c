"""A small client for the Brønnøysund Register Centre's open entity API (Enhetsregisteret).

``lookup(org_number)`` fetches ``BRREG_API_URL`` (``{orgnr}`` filled in) through the transport named
by ``BRREG_TRANSPORT`` and returns the few facts a supplier profile can be pre-filled with. The
register is outside our control, so every failure becomes one of two typed errors: the entity does
not exist (``BrregNotFound``), or the register could not answer usefully (``BrregUnavailable``).

A transport is a callable ``(url, *, timeout) -> (status, body_bytes)`` that raises ``OSError``
when the network fails; the default uses the standard library's ``urllib``. Tests point the
setting at a recording fake instead of patching this module.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from marketplace.models import EmployeeBand

USER_AGENT = "Pilotmarked (supplier profile pre-fill)"


class BrregError(Exception):
    """The register gave no entity for the number."""


class BrregNotFound(BrregError):
    """The register has no (or no longer an) entity with this organisation number."""


class BrregUnavailable(BrregError):
    """The register could not be reached or answered something we cannot read."""


@dataclass(frozen=True)
class BrregEntity:
    org_number: str
    name: str
    street_address: str
    postal_code: str
    postal_place: str
    municipality_number: str
    industry_code: str
    employee_count: int | None
    founded_year: int | None

    @property
    def employee_band(self) -> str:
        """The profile's employee band for the registered head count ("" when unknown)."""
        return employee_band_for(self.employee_count)


def employee_band_for(count: int | None) -> str:
    if count is None:
        return ""
    if count < 10:
        return EmployeeBand.UNDER_10.value
    if count < 50:
        return EmployeeBand.UNDER_50.value
    if count < 250:
        return EmployeeBand.UNDER_250.value
    return EmployeeBand.OVER_250.value


def urllib_transport(url: str, *, timeout: float) -> tuple[int, bytes]:
    """GET ``url`` with the standard library. HTTP error statuses are returned, not raised."""
    request = urllib.request.Request(  # noqa: S310 (see below)
        url, headers={"Accept": "application/json", "User-Agent": USER_AGENT}
    )
    try:
        # The address comes from settings (BRREG_API_URL), never from a user.
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.read()


def _transport():
    return import_string(settings.BRREG_TRANSPORT)


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def parse_entity(data: dict) -> BrregEntity:
    """The facts we use from one entity document (``/enheter/{orgnr}``)."""
    if not isinstance(data, dict) or not data.get("organisasjonsnummer"):
        raise BrregUnavailable("the register's answer has no organisation number")
    address = data.get("forretningsadresse") or data.get("postadresse") or {}
    lines = address.get("adresse") or []
    industry = data.get("naeringskode1") or {}
    employees = data.get("antallAnsatte")
    if data.get("harRegistrertAntallAnsatte") is False or not isinstance(employees, int):
        employees = None
    founded = _text(data.get("stiftelsesdato"))
    return BrregEntity(
        org_number=_text(data["organisasjonsnummer"]),
        name=_text(data.get("navn")),
        street_address=", ".join(_text(line) for line in lines if _text(line)),
        postal_code=_text(address.get("postnummer")),
        postal_place=_text(address.get("poststed")).title(),
        municipality_number=_text(address.get("kommunenummer")),
        industry_code=_text(industry.get("kode")),
        employee_count=employees,
        founded_year=int(founded[:4]) if founded[:4].isdigit() else None,
    )


def lookup(org_number: str) -> BrregEntity:
    """The register's facts about ``org_number`` (nine digits).

    Raises ``BrregNotFound`` (404/410: unknown or deleted) or ``BrregUnavailable`` (network error,
    timeout, any other status, a body that is not the JSON we expect).
    """
    url = settings.BRREG_API_URL.format(orgnr=org_number)
    try:
        status, body = _transport()(url, timeout=settings.BRREG_TIMEOUT_SECONDS)
    except (OSError, TimeoutError) as exc:  # URLError and socket timeouts are OSErrors
        raise BrregUnavailable(f"could not reach the register: {exc}") from exc
    if status in (404, 410):
        raise BrregNotFound(f"no entity {org_number} (HTTP {status})")
    if status != 200:
        raise BrregUnavailable(f"the register answered HTTP {status}")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BrregUnavailable(f"the register's answer is not JSON: {exc}") from exc
    try:
        return parse_entity(data)
    except (AttributeError, TypeError, ValueError) as exc:
        raise BrregUnavailable(f"the register's answer has an unexpected shape: {exc}") from exc
