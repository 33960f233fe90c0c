"""Reads of the CPV vocabulary for the API and the picker."""

from __future__ import annotations

from django.db.models import Count

from marketplace.models import CpvCode
from marketplace.models.classification import CPV_CODE_LENGTH, CpvCodeQuerySet


def cpv_codes_search(
    *, text: str = "", level: str | None = None, under: str | None = None
) -> CpvCodeQuerySet:
    """Codes matching ``text`` (number or either label), optionally one level, one branch."""
    codes = CpvCode.objects.all()
    if text.strip():
        codes = codes.matching(text)
    if level:
        codes = codes.filter(level=level)
    if under:
        codes = codes.under(under)
    return codes.order_by("code")


def cpv_code_get(*, code: str) -> CpvCode | None:
    """One code with ``children_count``, or None."""
    return CpvCode.objects.annotate(children_count=Count("children")).filter(code=code).first()


def cpv_ancestors(code: CpvCode) -> list[CpvCode]:
    """The codes above ``code``, division first, in one query (their codes are its prefixes)."""
    prefix = code.prefix
    candidates = [prefix[:n].ljust(CPV_CODE_LENGTH, "0") for n in range(2, len(prefix))]
    candidates = [candidate for candidate in candidates if candidate != code.code]
    return list(CpvCode.objects.filter(code__in=candidates).order_by("code"))
