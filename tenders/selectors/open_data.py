"""Reads for open data: OCDS packages, the Atom feed and the tender API."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from marketplace.models import cpv_under_q
from tenders.models import Lot, Question, Tender


def ocds_tenders(*, since: datetime.datetime | None = None) -> QuerySet[Tender]:
    """Our own public tenders (never drafts, never Doffin's), oldest first, ready to build
    releases without further queries per tender. ``since``: changed at or after that moment."""
    tenders = (
        Tender.objects.public()
        .own()
        .select_related("buyer", "unit", "main_cpv", "need")
        .prefetch_related(
            "additional_cpv",
            Prefetch("lots", queryset=Lot.objects.prefetch_related("cpv_codes")),
            "criteria",
            "requirements",
            "documents",
            "amendments",
            Prefetch(
                "questions",
                queryset=Question.objects.published().only("id", "tender_id", "published_at"),
            ),
        )
        .order_by("pk")
    )
    if since is not None:
        tenders = tenders.filter(updated_at__gte=since)
    return tenders


def cpv_prefix_q(prefix: str) -> Q:
    """Tenders whose main or additional CPV code starts with ``prefix`` ("72", "7222")."""
    return Q(main_cpv__code__startswith=prefix) | Q(
        Exists(
            Tender.additional_cpv.through.objects.filter(
                tender_id=OuterRef("pk"), cpvcode__code__startswith=prefix
            )
        )
    )


def feed_tenders(*, cpv_prefix: str = "", limit: int = 50) -> QuerySet[Tender]:
    """The newest published tenders, own and Doffin's, for the Atom feed."""
    tenders = Tender.objects.filter(status=Tender.Status.PUBLISHED, published_at__isnull=False)
    if cpv_prefix:
        tenders = tenders.filter(cpv_prefix_q(cpv_prefix))
    return (
        tenders.select_related("buyer", "unit", "main_cpv")
        .prefetch_related("additional_cpv")
        .order_by("-published_at", "-pk")[:limit]
    )


def api_tenders() -> QuerySet[Tender]:
    """Every public tender (never a draft) for the API list, with what its rows show."""
    smb_lots = Lot.objects.filter(tender_id=OuterRef("pk"), suitable_for_smb=True)
    return (
        Tender.objects.public()
        .select_related("buyer", "unit", "main_cpv")
        .prefetch_related("additional_cpv")
        .annotate(has_smb_lots=Exists(smb_lots))
        .order_by("-published_at", "-pk")
    )


def api_tender_detail() -> QuerySet[Tender]:
    return api_tenders().prefetch_related(
        Prefetch("lots", queryset=Lot.objects.prefetch_related("cpv_codes", "municipalities")),
        "criteria",
        "amendments",
    )


def tenders_under_cpv(tenders: QuerySet[Tender], codes: list[str]) -> QuerySet[Tender]:
    """Tenders with a main, additional or lot CPV code at or below any of ``codes``."""
    additional = Tender.additional_cpv.through.objects.filter(
        cpv_under_q(codes, "cpvcode__code"), tender_id=OuterRef("pk")
    )
    lots = Lot.cpv_codes.through.objects.filter(
        cpv_under_q(codes, "cpvcode__code"), lot__tender_id=OuterRef("pk")
    )
    return tenders.filter(cpv_under_q(codes, "main_cpv__code") | Exists(additional) | Exists(lots))
