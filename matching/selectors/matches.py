"""Two-way matching: the best suppliers for an opportunity, the best opportunities for a supplier.

Candidates are found and ranked in SQL first (CPV branches as primary-key ranges, CPV fit and
delivery areas, ``matching.selectors.candidates``), and only the shortlist is scored in full with
the text relevance from the search backend (``get_backend().text_scores``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.db.models import Q
from django.utils import timezone

from marketplace.i18n import english_active
from marketplace.models import SupplierProfile
from marketplace.models.classification import cpv_under_q
from matching.scoring import (
    OpportunityFacts,
    Score,
    SupplierFacts,
    area_fit,
    branch_code,
    score,
)
from matching.selectors.candidates import SHORTLIST, shortlist
from matching.selectors.facts import (
    cpv_names,
    facts_of,
    opportunity_of,
    place_names,
    profile_facts,
    supplier_profiles_with_facts,
    text_of,
)
from matching.selectors.inference import InferredCpv, infer_cpv
from search.backends import get_backend
from tenders.models import Lot, Need, Tender

TEXT_SHORTLIST = 40  # the backend's text relevance is asked for these only


@dataclass(frozen=True)
class Match:
    obj: object  # a SupplierProfile, Tender, Lot or Need
    kind: str
    score: Score

    @property
    def total(self) -> float:
        return self.score.total


def text_relevance(kind: str, text: str, among: Iterable[int]) -> dict[int, float]:
    """Text relevance from the active search backend, {pk: 0..1}."""
    among = list(among)
    if not text.strip() or not among:
        return {}
    return get_backend().text_scores(kind, text, among=among, limit=len(among))


class Matches(list):
    """Matches, best first; ``inferred`` holds the CPV groups used when the need, tender or
    profile had no codes of its own (``matching.selectors.inference``), so the page can say so."""

    def __init__(self, matches: Iterable[Match] = (), inferred: InferredCpv | None = None):
        super().__init__(matches)
        self.inferred = inferred or InferredCpv()

    @property
    def inferred_labels(self) -> list[str]:
        """The inferred groups as "72200000 — name" in the active language."""
        names = cpv_names(self.inferred.codes)
        english = english_active()
        return [
            f"{code} — {names[code][english]}" if code in names else code
            for code in self.inferred.codes
        ]


def _own_tender_id(obj) -> list[int]:
    if isinstance(obj, Tender):
        return [obj.pk]
    if isinstance(obj, Lot):
        return [obj.tender_id]
    return []


def suppliers_for(obj, *, limit: int = 20) -> Matches:
    """The best suppliers for a tender, lot or need, explained, best first. Without CPV codes of
    its own, the codes are inferred from its words (``Matches.inferred`` says which).

    The candidates near its codes are found and ranked on CPV fit and area in one statement
    (``matching.selectors.candidates.shortlist``); the best ``SHORTLIST`` are read with their
    facts and profiles (one query) and scored in full; only the best ``TEXT_SHORTLIST`` of those
    ask the search backend for their text relevance."""
    opportunity = opportunity_of(obj)
    facts, names = opportunity.facts, opportunity.cpv_names
    inferred = None
    if not facts.cpv_codes:
        inferred = infer_cpv(text_of(obj), exclude=_own_tender_id(obj))
        if not inferred:
            return Matches()
        facts = replace(facts, cpv_codes=inferred.codes)
        names = cpv_names(inferred.codes)
    best = shortlist(facts)
    all_facts, profiles = supplier_profiles_with_facts(best)
    matches = _score_suppliers(
        obj, facts, best, all_facts, profiles, names, opportunity.places, limit=limit
    )
    return Matches(matches, inferred)


def _score_suppliers(
    obj,
    facts: OpportunityFacts,
    ids: list[int],
    all_facts: dict[int, SupplierFacts],
    profiles: dict[int, SupplierProfile],
    names: dict[str, tuple[str, str]],
    places: dict[str, str],
    *,
    limit: int,
) -> list[Match]:
    """Rank the shortlist on everything but text, ask the backend for the text relevance of the
    best ``TEXT_SHORTLIST`` only, rank those again and explain the top ``limit``."""
    without_text = sorted(
        (-score(all_facts[pk], facts, explain=False).total, pk) for pk in ids if pk in all_facts
    )
    best = [pk for _total, pk in without_text[:TEXT_SHORTLIST]]
    texts = text_relevance("supplier", text_of(obj), best)
    ranked = sorted(
        (-score(all_facts[pk], facts, text=texts.get(pk, 0.0), explain=False).total, pk)
        for pk in best
    )
    return [
        Match(
            obj=profiles[pk],
            kind="supplier",
            score=score(
                all_facts[pk], facts, text=texts.get(pk, 0.0), cpv_names=names, places=places
            ),
        )
        for _total, pk in ranked[:limit]
    ]


# --- For a supplier -------------------------------------------------------------------------------


def open_tenders():
    now = timezone.now()
    return Tender.objects.filter(status=Tender.Status.PUBLISHED).filter(
        Q(submission_deadline__isnull=True) | Q(submission_deadline__gt=now)
    )


def open_needs():
    return Need.objects.filter(status=Need.Status.OPEN)


def opportunities_for(profile: SupplierProfile, *, limit: int = 20) -> Matches:
    """The open needs, tenders and lots ``profile`` fits best, explained, best first. A profile
    without CPV codes is matched on codes inferred from its description (``Matches.inferred``)."""
    supplier = profile_facts(profile)
    profile_text = text_of(profile)
    inferred = None
    if not supplier.cpv_codes:
        inferred = infer_cpv(profile_text)
        if not inferred:
            return Matches()
        supplier = replace(supplier, cpv_codes=inferred.codes)
    divisions = {branch_code(code[:2]) for code in supplier.cpv_codes}
    near = cpv_under_q(divisions, "cpv_codes__code")
    tenders = open_tenders()
    tender_ids = set(
        tenders.filter(cpv_under_q(divisions, "main_cpv__code")).values_list("pk", flat=True)
    )
    tender_ids |= set(
        tenders.filter(cpv_under_q(divisions, "additional_cpv__code")).values_list("pk", flat=True)
    )
    lots = list(
        Lot.objects.filter(tender__in=tenders)
        .filter(near)
        .select_related("tender")
        .distinct()[: SHORTLIST * 2]
    )
    tenders_with_lots = set(
        Lot.objects.filter(tender_id__in=tender_ids).values_list("tender_id", flat=True)
    )
    objects: list = [lot for lot in lots]
    objects += list(Tender.objects.filter(pk__in=tender_ids - tenders_with_lots)[: SHORTLIST * 2])
    objects += list(open_needs().filter(near).distinct()[:SHORTLIST])
    facts_list = [(obj, facts_of(obj)) for obj in objects]
    return Matches(rank_opportunities(supplier, profile_text, facts_list, limit=limit), inferred)


def rank_opportunities(
    supplier: SupplierFacts,
    text: str,
    facts_list: list[tuple[object, OpportunityFacts]],
    *,
    limit: int = 20,
) -> list[Match]:
    """Score each opportunity in ``facts_list`` for ``supplier`` (``text`` is what the supplier
    says about itself), leave out those with no CPV fit, and explain the best ``limit``."""
    if not facts_list:
        return []
    texts = {
        "tender": text_relevance(
            "tender",
            text,
            [obj.pk for obj, f in facts_list if f.kind == "tender"]
            + [obj.tender_id for obj, f in facts_list if f.kind == "lot"],
        ),
        "need": text_relevance("need", text, [obj.pk for obj, f in facts_list if f.kind == "need"]),
    }

    def text_of_match(obj, facts: OpportunityFacts) -> float:
        if facts.kind == "lot":
            return texts["tender"].get(obj.tender_id, 0.0)
        return texts["tender" if facts.kind == "tender" else "need"].get(obj.pk, 0.0)

    ranked = []
    for index, (obj, facts) in enumerate(facts_list):
        result = score(supplier, facts, text=text_of_match(obj, facts), explain=False)
        if result.parts["cpv"] > 0:
            ranked.append((-result.total, facts.kind, facts.pk, index))
    ranked.sort()
    best = [facts_list[index] for *_key, index in ranked[:limit]]
    codes = {code for _, f in best for code in f.cpv_codes}
    names = cpv_names(codes)
    places = place_names({number for _, f in best for number in (*f.municipalities, *f.counties)})
    return [
        Match(
            obj=obj,
            kind=facts.kind,
            score=score(
                supplier,
                facts,
                text=text_of_match(obj, facts),
                cpv_names=names,
                places=places,
            ),
        )
        for obj, facts in best
    ]


def explain(profile: SupplierProfile, obj) -> Score:
    """The explained fit of one supplier to one opportunity (alerts, invitations)."""
    opportunity = opportunity_of(obj)
    facts = opportunity.facts
    supplier = profile_facts(profile)
    kind = "need" if facts.kind == "need" else "tender"
    pk = obj.tender_id if facts.kind == "lot" else obj.pk
    text = text_relevance(kind, text_of(profile), [pk]).get(pk, 0.0)
    return score(
        supplier,
        facts,
        text=text,
        cpv_names=opportunity.cpv_names,
        places=opportunity.places,
    )


__all__ = [
    "Match",
    "Matches",
    "area_fit",
    "explain",
    "opportunities_for",
    "rank_opportunities",
    "suppliers_for",
]
