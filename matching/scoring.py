"""How well a supplier fits an opportunity (a need, a tender or a lot), explained.

Every weight lives here. A score is the weighted mean of parts in 0..1, shown as 0..100, and
each part that counts carries a reason in plain words, in Bokmål and English. The functions are
pure: they take plain facts (``SupplierFacts``, ``OpportunityFacts``) so they can be tested as
data and reused by the page, the alerts and the benchmark alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _

from marketplace.i18n import active_language, english_active
from marketplace.models.classification import CPV_CODE_LENGTH, cpv_prefix

# --- Weights: the one place -----------------------------------------------------------------------

WEIGHTS: Mapping[str, float] = {
    "cpv": 0.40,
    "text": 0.25,
    "area": 0.15,
    "size_stage": 0.12,
    "credentials": 0.08,
}

# CPV fit by the length of the shared prefix (2 division, 3 group, 4 class, 5 category).
CPV_SHARED_POINTS: Mapping[int, float] = {2: 0.30, 3: 0.60, 4: 0.72, 5: 0.82}
CPV_SAME_CODE_POINTS = 1.0
# A supplier whose capability is a whole branch that holds the wanted code (registered under
# 72000000, the tender asks 72212000): by how specific the supplier's claim is.
CPV_COVERS_POINTS: Mapping[int, float] = {2: 0.65, 3: 0.78, 4: 0.86, 5: 0.92}

AREA_POINTS: Mapping[str, float] = {
    "municipality": 1.0,
    "county": 0.9,
    "nationwide": 0.85,
    "based_here": 0.8,
    "unstated": 0.5,  # the opportunity names no place: neither a plus nor a minus
    "elsewhere": 0.0,
}

SMALL_FIRMS = frozenset({"micro", "small", "medium"})
YOUNG_STAGES = frozenset({"idea", "startup", "scaleup"})
PILOT_TRL = range(4, 9)  # a pilot tests something that works, not yet proven in operation

SIZE_STAGE_POINTS: Mapping[str, float] = {
    "smb_lot_small_firm": 1.0,
    "smb_lot_large_firm": 0.2,
    "pilot_young": 0.6,
    "pilot_open": 0.2,
    "pilot_trl": 0.2,
    "neutral": 0.5,
}

CREDENTIAL_POINTS: Mapping[str, float] = {
    "public_reference": 0.5,  # at least one public-sector reference
    "certifications_all": 0.5,  # holds every certification the requirements name
    "certifications_some": 0.25,
}

CPV_LEVEL_NAMES = {2: "division", 3: "group", 4: "class", 5: "category"}


# --- Facts ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupplierFacts:
    pk: int
    name: str
    cpv_codes: tuple[str, ...] = ()
    nationwide: bool = False
    municipalities: frozenset[str] = frozenset()  # delivery municipality numbers
    counties: frozenset[str] = frozenset()  # delivery county numbers
    home_municipality: str = ""
    sme_category: str = ""
    stage: str = ""
    trl: int | None = None
    open_to_pilots: bool = False
    public_references: int = 0
    certifications: frozenset[str] = frozenset()  # slugs


@dataclass(frozen=True)
class OpportunityFacts:
    kind: str  # "tender", "lot" or "need"
    pk: int
    title: str
    cpv_codes: tuple[str, ...] = ()
    municipalities: frozenset[str] = frozenset()
    counties: frozenset[str] = frozenset()  # the counties of those municipalities
    suitable_for_smb: bool = False
    is_pilot: bool = False
    certifications_asked: frozenset[str] = frozenset()  # slugs named in the requirements


@dataclass(frozen=True)
class Reason:
    part: str
    en: str
    nb: str

    @property
    def text(self) -> str:
        return self.en if english_active() else self.nb


@dataclass(frozen=True)
class Score:
    total: float  # 0..100
    parts: Mapping[str, float]  # part name -> 0..1
    reasons: tuple[Reason, ...] = field(default=())

    def explanation(self, language: str | None = None) -> str:
        language = language or active_language()
        attr = "nb" if language == "nb" else "en"
        return "; ".join(getattr(reason, attr) for reason in self.reasons)

    @property
    def explanation_en(self) -> str:
        return self.explanation("en")

    @property
    def explanation_nb(self) -> str:
        return self.explanation("nb")


# CpvNames: code -> (name_nb, name_en), used to name the shared branch.
CpvNames = Mapping[str, tuple[str, str]]
Place = Mapping[str, str]  # municipality or county number -> name


def _both(render: Callable[[], str]) -> tuple[str, str]:
    with translation.override("en"):
        en = render()
    with translation.override("nb"):
        nb = render()
    return en, nb


def _reason(part: str, render: Callable[[], str]) -> Reason:
    en, nb = _both(render)
    return Reason(part=part, en=en, nb=nb)


# --- CPV ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CpvFit:
    points: float
    kind: str = ""  # "same", "covers", "shared"
    branch: str = ""  # the significant prefix both share (e.g. "722")
    code: str = ""  # the opportunity's code


def branch_code(prefix: str) -> str:
    return prefix.ljust(CPV_CODE_LENGTH, "0")


def _pair_fit(wanted: str, offered: str) -> CpvFit:
    if wanted == offered:
        return CpvFit(CPV_SAME_CODE_POINTS, "same", cpv_prefix(wanted), wanted)
    want, offer = cpv_prefix(wanted), cpv_prefix(offered)
    if want.startswith(offer):
        # The supplier claims a whole branch that holds the wanted code. Name the wanted code's
        # branch at the group level at least, since that is what the two have in common for
        # the reader ("Shares CPV group 722").
        depth = min(max(len(offer), 3), len(want), 5)
        return CpvFit(CPV_COVERS_POINTS[min(len(offer), 5)], "covers", want[:depth], wanted)
    shared = 0
    for a, b in zip(want, offer, strict=False):
        if a != b:
            break
        shared += 1
    shared = min(shared, 5)
    if shared < 2:
        return CpvFit(0.0)
    return CpvFit(CPV_SHARED_POINTS[shared], "shared", want[:shared], wanted)


def cpv_fit(wanted: Iterable[str], offered: Iterable[str]) -> CpvFit:
    """The best fit of any offered code to any wanted code."""
    best = CpvFit(0.0)
    offered = tuple(offered)
    for want in wanted:
        for offer in offered:
            fit = _pair_fit(want, offer)
            if fit.points > best.points:
                best = fit
                if best.points >= CPV_SAME_CODE_POINTS:
                    return best
    return best


def _cpv_reason(fit: CpvFit, names: CpvNames) -> Reason | None:
    if fit.points <= 0:
        return None
    code = branch_code(fit.branch) if fit.kind != "same" else fit.code

    def render() -> str:
        label = names.get(code)
        name = (label[1] if english_active() else label[0]) if label else ""
        if fit.kind == "same":
            text = _("Same CPV code %(code)s") % {"code": code}
        else:
            level = len(fit.branch)
            text = {
                2: _("Shares CPV division %(branch)s"),
                3: _("Shares CPV group %(branch)s"),
                4: _("Shares CPV class %(branch)s"),
                5: _("Shares CPV category %(branch)s"),
            }[level] % {"branch": fit.branch}
        return f"{text} — {name}" if name else text

    return _reason("cpv", render)


# --- Area -----------------------------------------------------------------------------------------


def area_fit(supplier: SupplierFacts, opportunity: OpportunityFacts) -> tuple[str, str]:
    """(how, the place named) for the best way the supplier reaches the opportunity's places."""
    if not opportunity.municipalities:
        return "unstated", ""
    here = sorted(opportunity.municipalities & supplier.municipalities)
    if here:
        return "municipality", here[0]
    counties = sorted(opportunity.counties & supplier.counties)
    if counties:
        return "county", counties[0]
    if supplier.nationwide:
        return "nationwide", ""
    if supplier.home_municipality in opportunity.municipalities:
        return "based_here", supplier.home_municipality
    return "elsewhere", ""


def _area_reason(how: str, place: str, places: Place) -> Reason | None:
    name = places.get(place, place)
    if how == "municipality":
        return _reason("area", lambda: _("delivers in %(place)s") % {"place": name})
    if how == "county":
        return _reason("area", lambda: _("delivers in all of %(place)s") % {"place": name})
    if how == "nationwide":
        return _reason("area", lambda: _("delivers nationwide"))
    if how == "based_here":
        return _reason("area", lambda: _("is based in %(place)s") % {"place": name})
    if how == "elsewhere":
        return _reason("area", lambda: _("does not deliver where this is"))
    return None


# --- Size, stage, credentials ---------------------------------------------------------------------


def size_stage_fit(supplier: SupplierFacts, opportunity: OpportunityFacts) -> tuple[float, list]:
    keys: list[str] = []
    points = 0.0
    if opportunity.suitable_for_smb:
        key = "smb_lot_small_firm" if supplier.sme_category in SMALL_FIRMS else "smb_lot_large_firm"
        keys.append(key)
        points = SIZE_STAGE_POINTS[key]
    if opportunity.is_pilot:
        pilot = 0.0
        if supplier.stage in YOUNG_STAGES:
            pilot += SIZE_STAGE_POINTS["pilot_young"]
            keys.append("pilot_young")
        if supplier.open_to_pilots:
            pilot += SIZE_STAGE_POINTS["pilot_open"]
            keys.append("pilot_open")
        if supplier.trl in PILOT_TRL:
            pilot += SIZE_STAGE_POINTS["pilot_trl"]
            keys.append("pilot_trl")
        points = max(points, pilot) if opportunity.suitable_for_smb else pilot
    if not keys and not opportunity.suitable_for_smb and not opportunity.is_pilot:
        points = SIZE_STAGE_POINTS["neutral"]
    return min(points, 1.0), keys


def _size_reasons(keys: list[str], supplier: SupplierFacts) -> list[Reason]:
    texts = {
        "smb_lot_small_firm": lambda: _("small firm and the lot is marked suitable for SMBs"),
        "pilot_young": lambda: _("a young company and this is a pilot"),
        "pilot_open": lambda: _("interested in pilots"),
        "pilot_trl": lambda: (
            _("technology readiness level %(trl)s fits a pilot") % {"trl": supplier.trl}
        ),
    }
    return [_reason("size_stage", texts[key]) for key in keys if key in texts]


def credentials_fit(
    supplier: SupplierFacts, opportunity: OpportunityFacts, explain: bool = True
) -> tuple[float, list]:
    points, reasons = 0.0, []
    if supplier.public_references:
        points += CREDENTIAL_POINTS["public_reference"]
        count = supplier.public_references
        if explain:
            reasons.append(
                _reason(
                    "credentials",
                    lambda: (
                        translation.ngettext(
                            "%(count)d public-sector reference",
                            "%(count)d public-sector references",
                            count,
                        )
                        % {"count": count}
                    ),
                )
            )
    asked = opportunity.certifications_asked
    if asked:
        held = asked & supplier.certifications
        if held == asked:
            points += CREDENTIAL_POINTS["certifications_all"]
        elif held:
            points += CREDENTIAL_POINTS["certifications_some"]
        if held and explain:
            names = ", ".join(sorted(held))
            reasons.append(
                _reason(
                    "credentials",
                    lambda: _("holds the certifications asked for: %(names)s") % {"names": names},
                )
            )
    return min(points, 1.0), reasons


# --- The score ------------------------------------------------------------------------------------


def score(
    supplier: SupplierFacts,
    opportunity: OpportunityFacts,
    *,
    text: float = 0.0,
    cpv_names: CpvNames | None = None,
    places: Place | None = None,
    explain: bool = True,
) -> Score:
    """The explained fit of ``supplier`` to ``opportunity``; ``text`` is the text relevance
    (0..1) from the search backend. ``explain=False`` skips the words (ranking a shortlist)."""
    cpv = cpv_fit(opportunity.cpv_codes, supplier.cpv_codes)
    how, place = area_fit(supplier, opportunity)
    size_points, size_keys = size_stage_fit(supplier, opportunity)
    credential_points, credential_reasons = credentials_fit(supplier, opportunity, explain)
    text = max(0.0, min(float(text), 1.0))
    parts = {
        "cpv": cpv.points,
        "text": text,
        "area": AREA_POINTS[how],
        "size_stage": size_points,
        "credentials": credential_points,
    }
    total = (
        100 * sum(WEIGHTS[name] * value for name, value in parts.items()) / sum(WEIGHTS.values())
    )
    if not explain:
        return Score(total=round(total, 1), parts=parts)
    reasons: list[Reason] = []
    cpv_reason = _cpv_reason(cpv, cpv_names or {})
    if cpv_reason:
        reasons.append(cpv_reason)
    if text >= 0.2:
        reasons.append(_reason("text", lambda: _("describes similar work")))
    area_reason = _area_reason(how, place, places or {})
    if area_reason:
        reasons.append(area_reason)
    reasons.extend(_size_reasons(size_keys, supplier))
    reasons.extend(credential_reasons)
    return Score(total=round(total, 1), parts=parts, reasons=tuple(reasons))


def cpv_branches_needed(codes: Iterable[str]) -> set[str]:
    """The group-level branches (3 digits) an opportunity's codes fall in (for partner finding)."""
    return {cpv_prefix(code)[:3] for code in codes}
