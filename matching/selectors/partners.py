"""Partner finding: groups of small firms whose capabilities together cover a lot.

A lot asks for some CPV codes in some places. A firm covers a code when it fits it at least at
the group level (three digits) and a place when it delivers there. Consortia are built greedily
(each round adds the firm that covers most of what is still missing), preferring firms that said
they are looking for partners on this lot, and explained in the same plain words as matches.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from marketplace.i18n import english_active
from marketplace.models import SupplierProfile
from matching.models import PartnerInterest
from matching.scoring import (
    CPV_SHARED_POINTS,
    Reason,
    SupplierFacts,
    _reason,
    area_fit,
    cpv_fit,
)
from matching.selectors.candidates import supplier_codes
from matching.selectors.facts import cpv_names, lot_facts, place_names, supplier_facts

MAX_MEMBERS = 3
SUGGESTIONS = 3
COVERS_CODE = CPV_SHARED_POINTS[3]


@dataclass(frozen=True)
class Consortium:
    members: tuple[SupplierProfile, ...]
    covers_all: bool
    reasons: tuple[Reason, ...]
    looking: frozenset[int]  # organisation ids that marked themselves looking for partners


def _covers(supplier: SupplierFacts, facts, code: str) -> bool:
    return cpv_fit([code], supplier.cpv_codes).points >= COVERS_CODE


def partner_interests(lot):
    return PartnerInterest.objects.filter(lot=lot).select_related("supplier").order_by("created_at")


def consortia_for(lot) -> list[Consortium]:
    facts = lot_facts(lot)
    if not facts.cpv_codes:
        return []
    candidates = supplier_codes(facts.cpv_codes, depth=3)
    all_facts = supplier_facts(list(candidates)[:2000])
    looking_orgs = set(partner_interests(lot).values_list("supplier_id", flat=True))
    org_of = dict(
        SupplierProfile.objects.filter(pk__in=all_facts).values_list("pk", "organisation_id")
    )
    needs = set(facts.cpv_codes)
    places_needed = set(facts.municipalities)

    def covered_by(pk: int) -> tuple[set[str], set[str]]:
        supplier = all_facts[pk]
        codes = {code for code in needs if _covers(supplier, facts, code)}
        how, _place = area_fit(supplier, facts)
        if how in {"nationwide", "unstated"}:
            places = set(places_needed)
        else:
            places = places_needed & (
                supplier.municipalities
                | {m for m in places_needed if supplier.home_municipality == m}
            )
            if supplier.counties & facts.counties:
                places = set(places_needed)
        return codes, places

    coverage = {pk: covered_by(pk) for pk in all_facts}
    useful = [pk for pk, (codes, _p) in coverage.items() if codes]

    def gain(pk, missing_codes, missing_places):
        codes, places = coverage[pk]
        bonus = 0.5 if org_of.get(pk) in looking_orgs else 0.0
        return len(codes & missing_codes) * 2 + len(places & missing_places) + bonus

    seeds = sorted(useful, key=lambda pk: (-gain(pk, needs, places_needed), pk))
    suggestions: list[tuple[int, ...]] = []
    for seed in seeds:
        if len(suggestions) >= SUGGESTIONS:
            break
        members = [seed]
        missing_codes = needs - coverage[seed][0]
        missing_places = places_needed - coverage[seed][1]
        while (missing_codes or missing_places) and len(members) < MAX_MEMBERS:
            best = max(
                (pk for pk in useful if pk not in members),
                key=lambda pk: (gain(pk, missing_codes, missing_places), -pk),
                default=None,
            )
            if best is None or gain(best, missing_codes, missing_places) < 1:
                break
            members.append(best)
            missing_codes -= coverage[best][0]
            missing_places -= coverage[best][1]
        if len(members) < 2:
            continue  # one firm alone is a match, not a consortium
        key = tuple(sorted(members))
        if key not in {tuple(sorted(s)) for s in suggestions}:
            suggestions.append(tuple(members))

    names = cpv_names(facts.cpv_codes)
    places = place_names(places_needed)
    profiles = SupplierProfile.objects.select_related("organisation").in_bulk(
        {pk for members in suggestions for pk in members}
    )
    result = []
    for members in suggestions:
        reasons = []
        left_codes, left_places = set(needs), set(places_needed)
        for pk in members:
            codes, covered_places = coverage[pk]
            codes, covered_places = codes & left_codes, covered_places & left_places
            left_codes -= codes
            left_places -= covered_places
            firm = profiles[pk].organisation.name
            code_names = ", ".join(
                f"{code} {names.get(code, ('', ''))[1]}".strip() for code in sorted(codes)
            )
            code_names_nb = ", ".join(
                f"{code} {names.get(code, ('', ''))[0]}".strip() for code in sorted(codes)
            )
            place_list = ", ".join(places.get(p, p) for p in sorted(covered_places))
            reasons.append(_member_reason(firm, code_names, code_names_nb, place_list))
        result.append(
            Consortium(
                members=tuple(profiles[pk] for pk in members),
                covers_all=not left_codes and not left_places,
                reasons=tuple(reasons),
                looking=frozenset(looking_orgs),
            )
        )
    return result


def _member_reason(firm: str, codes_en: str, codes_nb: str, places: str) -> Reason:

    def render() -> str:
        codes = codes_en if english_active() else codes_nb
        if codes and places:
            return _("%(firm)s covers %(codes)s and delivers in %(places)s") % {
                "firm": firm,
                "codes": codes,
                "places": places,
            }
        if codes:
            return _("%(firm)s covers %(codes)s") % {"firm": firm, "codes": codes}
        return _("%(firm)s delivers in %(places)s") % {"firm": firm, "places": places}

    return _reason("partners", render)
