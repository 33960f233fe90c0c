"""Parts of a release that apps above tenders know: they register a contributor, tenders calls it.

The tenders app never imports the apps built on it (import-linter's layers), yet a contract's
implementation (the pilot: milestones, KPIs, the scale-up decision) lives in the pilots app. That
app registers a function here in its ``AppConfig.ready``; each is called with the tender and the
release being built and adds its fields in place, as the standard and its extensions define them.
"""

from __future__ import annotations

from collections.abc import Callable

Contributor = Callable[[object, dict], None]

_contributors: dict[str, Contributor] = {}


def register_contributor(name: str, contributor: Contributor) -> None:
    """Register ``contributor(tender, release)`` under ``name`` (registering again replaces it)."""
    _contributors[name] = contributor


def contribute(tender, release: dict) -> None:
    for contributor in _contributors.values():
        contributor(tender, release)
