"""The typed protocol every search backend implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class BackendStatus:
    name: str
    ok: bool
    detail: str = ""


@runtime_checkable
class SearchBackend(Protocol):
    name: str

    def status(self) -> BackendStatus:
        """Whether the backend can answer queries now (used by /readyz)."""
        ...
