"""The identifiers Doffin expects (DFØ, "Notice identifiers", eforms-sdk-nor/docs).

- ``notice-identifier``: a UUID, stable across the versions of one notice; ``notice-version``
  two digits ("01") that change when the same notice is republished. A change notice is a
  notice of its own that names the changed one as ``<uuid>-<version>``.
- ``procedure-identifier`` (``ContractFolderID``): a UUID for the tender's whole procedure,
  shared by its contract, change and award notices.
- Parts of a notice: ``LOT-0001`` (lot number 1), ``ORG-0001``, ``TEN-0001``, ``RES-0001``...

The UUIDs are derived from the tender's reference and the notice's purpose (a UUID 5 hash,
stamped as version 4 because eForms accepts only UUIDv4 shapes, BR-BT-00701-0052), so the same
tender always yields the same identities, with nothing stored until a notice is sent.
"""

from __future__ import annotations

import uuid

# A fixed namespace for Pilotmarked's notice identities (itself a random UUID, never change it).
NAMESPACE = uuid.UUID("5b0f6a34-3c7e-4f43-9a63-2d1f0b7c6e15")


def _uuid(name: str) -> str:
    return str(uuid.UUID(bytes=uuid.uuid5(NAMESPACE, name).bytes, version=4))


def procedure_id(reference: str) -> str:
    return _uuid(f"procedure:{reference}")


def notice_id(reference: str, purpose: str) -> str:
    """The notice identity of one notice of a tender: ``purpose`` is "contract", "award" or
    "change-<amendment number>"."""
    return _uuid(f"notice:{reference}:{purpose}")


def version(number: int) -> str:
    return f"{number:02d}"


def business_id(notice: str, number: int) -> str:
    """``<notice-identifier>-<notice-version>``: how a later notice names this one."""
    return f"{notice}-{version(number)}"


def part(prefix: str, number: int) -> str:
    return f"{prefix}-{number:04d}"


def lot_id(number: int) -> str:
    return part("LOT", number)
