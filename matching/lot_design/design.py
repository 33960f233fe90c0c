"""The lot-design aid for one tender: the whole, its lots and proposed splits, counted.

``lot_design(tender, most_lots=..., max_per_bidder=...)`` reads the tender's codes, places and
values (what the match page already read of it), builds the designs to compare — the purchase
undivided, the lots the officer wrote, and splits by CPV group, by area and by value — and counts
them all in one query (``matching.lot_design.tally``). Splits that let more small and
medium-sized firms bid alone, within the number of lots the officer allows, are suggested.

A proposed split shares the estimated value equally among its parts (stated on the page): the
officer knows better, and the value split shows the effect of the value per lot on its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from marketplace.i18n import english_active
from marketplace.models.classification import cpv_prefix
from matching.lot_design.tally import Counts, Scope, tally
from matching.scoring import CpvFit, Reason, _cpv_reason, _reason, branch_code
from matching.selectors.facts import lookups, tender_codes
from tenders.models import Tender

MOST_LOTS_DEFAULT = 4
MOST_LOTS_LIMIT = 12
VALUE_SPLITS_UP_TO = 5
SUGGESTIONS = 3

WHOLE, LOTS, BY_CPV, BY_AREA = "whole", "lots", "cpv", "area"


@dataclass(frozen=True)
class Part:
    scope: Scope
    label: str
    counts: Counts = field(default_factory=Counts)


@dataclass(eq=False)
class Design:
    """One way to cut the purchase: its parts and who could bid on them."""

    key: str
    title: str
    parts: list[Part]
    any: Counts  # firms able to bid alone on at least one part
    max_per_bidder: int | None = None

    @property
    def lot_count(self) -> int:
        return len(self.parts)

    @property
    def smb(self) -> int:
        return self.any.alone_smb

    @property
    def value_per_lot(self) -> Decimal | None:
        values = [part.scope.value for part in self.parts]
        if not values or any(value is None for value in values):
            return None
        return max(values)

    @property
    def winners_at_least(self) -> int:
        """How many different firms win, at least, when each may win ``max_per_bidder`` lots."""
        cap = self.max_per_bidder or self.lot_count
        return math.ceil(self.lot_count / max(1, min(cap, self.lot_count)))

    @property
    def parts_without_smb(self) -> int:
        return sum(1 for part in self.parts if part.counts.alone_smb == 0)


@dataclass
class LotDesign:
    tender: Tender
    whole: Design
    lots: Design | None  # the officer's own lots, when there are two or more
    proposals: list[Design]
    suggestions: list[Design]
    reasons: list[tuple[int, Reason]]  # (firms, why) behind the counts
    local_area: list[str]  # the county names "local" means
    most_lots: int
    max_per_bidder: int | None
    together_allowed: bool
    value_known: bool

    @property
    def rows(self) -> list[Design]:
        """Every design to compare: undivided, the officer's lots, then the proposals."""
        return [self.whole, *([self.lots] if self.lots else []), *self.proposals]

    @property
    def best(self) -> Design | None:
        return self.suggestions[0] if self.suggestions else None


def _share(value: Decimal | None, parts: int) -> Decimal | None:
    if value is None:
        return None
    return (value / parts).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _whole_value(tender: Tender, lots: list) -> Decimal | None:
    if tender.estimated_value is not None:
        return tender.estimated_value
    values = [lot.estimated_value for lot in lots]
    if values and all(value is not None for value in values):
        return sum(values, Decimal(0))
    return None


def _name(names: dict, code: str) -> str:
    label = names.get(code)
    if not label:
        return ""
    return label[1] if english_active() else label[0]


def _splits(
    whole: Scope, most_lots: int, counties_of: dict, places: dict, names: dict
) -> list[tuple[str, str, list[tuple[str, Scope]]]]:
    """(key, title, [(part label, scope)]) for each proposed split within ``most_lots``."""
    proposals = []
    groups: dict[str, list[str]] = {}
    for code in whole.codes:
        groups.setdefault(cpv_prefix(code)[:3], []).append(code)
    if 2 <= len(groups) <= most_lots:
        value = _share(whole.value, len(groups))
        parts = []
        for group, codes in sorted(groups.items()):
            name = _name(names, branch_code(group))
            label = _("CPV group %(group)s") % {"group": group}
            parts.append(
                (
                    f"{label} — {name}" if name else label,
                    Scope(f"{BY_CPV}:{group}", tuple(codes), whole.municipalities, value),
                )
            )
        proposals.append((BY_CPV, _("By CPV group"), parts))
    by_county: dict[str, set[str]] = {}
    for number in whole.municipalities:
        by_county.setdefault(counties_of.get(number, ""), set()).add(number)
    areas = by_county if len(by_county) >= 2 else {n: {n} for n in whole.municipalities}
    if 2 <= len(areas) <= most_lots:
        value = _share(whole.value, len(areas))
        parts = [
            (
                places.get(area, area) or _("Other places"),
                Scope(f"{BY_AREA}:{area}", whole.codes, frozenset(numbers), value),
            )
            for area, numbers in sorted(areas.items())
        ]
        proposals.append((BY_AREA, _("By area"), parts))
    if whole.value is not None:
        for count in range(2, min(most_lots, VALUE_SPLITS_UP_TO) + 1):
            value = _share(whole.value, count)
            parts = [
                (
                    _("Part %(number)d of %(count)d") % {"number": n, "count": count},
                    Scope(f"value{count}:{n}", whole.codes, whole.municipalities, value),
                )
                for n in range(1, count + 1)
            ]
            title = _("By value: %(count)d equal lots") % {"count": count}
            proposals.append((f"value{count}", title, parts))
    return proposals


def lot_design(
    tender: Tender, *, most_lots: int = MOST_LOTS_DEFAULT, max_per_bidder: int | None = None
) -> LotDesign:
    """The counts for ``tender`` (read with its parts, as ``tender_to_match`` gives it), its
    lots and the splits within ``most_lots`` lots; ``max_per_bidder`` defaults to the tender's
    "most lots one bidder may win". Two queries: the names and places, then the counts."""
    lots = list(tender.lots.all())
    codes = tender_codes(tender)
    own_places = frozenset(place.number for place in tender.municipalities.all())
    lot_places = {
        lot.pk: frozenset(place.number for place in lot.municipalities.all()) for lot in lots
    }
    every_place = own_places.union(*lot_places.values())
    found = lookups(municipalities=every_place, codes=codes)
    counties_of, names = found.counties_of, found.cpv_names
    local = sorted(found.counties(every_place))
    max_per_bidder = max_per_bidder or tender.max_lots_per_bidder
    whole = Scope(WHOLE, codes, every_place, _whole_value(tender, lots))

    designs: list[tuple[str, str, list[tuple[str, Scope]]]] = [
        (WHOLE, _("Not divided"), [(_("The whole purchase"), whole)])
    ]
    if len(lots) >= 2:
        parts = []
        for lot in lots:
            lot_codes = tuple(code.code for code in lot.cpv_codes.all()) or codes
            scope = Scope(
                f"{LOTS}:{lot.number}",
                lot_codes,
                lot_places[lot.pk] or own_places,
                lot.estimated_value,
            )
            label = _("Lot %(number)d: %(title)s") % {"number": lot.number, "title": lot.title}
            parts.append((label, scope))
        designs.append((LOTS, _("Your lots"), parts))
    designs += _splits(whole, most_lots, counties_of, found.places, names)

    scopes = {scope.key: scope for _key, _title, parts in designs for _label, scope in parts}
    counted = tally(
        list(scopes.values()),
        groups={key: [scope.key for _label, scope in parts] for key, _title, parts in designs},
        counties_of=counties_of,
        local_counties=local,
    )
    built = {
        key: Design(
            key=key,
            title=title,
            parts=[Part(scope, label, counted.scopes[scope.key]) for label, scope in parts],
            any=counted.any[key],
            max_per_bidder=max_per_bidder,
        )
        for key, title, parts in designs
    }
    whole_design = built.pop(WHOLE)
    own = built.pop(LOTS, None)
    proposals = list(built.values())
    floor = max(whole_design.smb, own.smb if own else 0)
    suggestions = sorted(
        (design for design in proposals if design.smb > floor),
        key=lambda design: (-design.smb, design.lot_count, design.key),
    )[:SUGGESTIONS]
    return LotDesign(
        tender=tender,
        whole=whole_design,
        lots=own,
        proposals=proposals,
        suggestions=suggestions,
        reasons=_reasons(counted, whole, names, found.places),
        local_area=[found.places.get(county, county) for county in local],
        most_lots=most_lots,
        max_per_bidder=max_per_bidder,
        together_allowed=tender.joint_bids_allowed or tender.subcontracting_allowed,
        value_known=whole.value is not None,
    )


def _reasons(counted, whole: Scope, names, places) -> list[tuple[int, Reason]]:
    """The reasons behind the counts, in the words of a match explanation: the firms sharing
    each CPV group the purchase asks for, reaching each place, and sized for its value."""
    reasons: list[tuple[int, Reason]] = []
    seen: set[str] = set()
    for code in whole.codes:
        group = cpv_prefix(code)[:3]
        if group in seen:
            continue
        seen.add(group)
        # Covering a code asks for its group, so every code of a group has the same firms.
        reason = _cpv_reason(CpvFit(points=1.0, kind="shared", branch=group, code=code), names)
        if reason is not None:
            reasons.append((counted.covering[code], reason))
    for number in sorted(whole.municipalities):
        place = places.get(number, number)
        reasons.append(
            (
                counted.reaching[number],
                _reason(
                    "area",
                    lambda place=place: (
                        _(
                            "deliver in %(place)s (there, in all of its county or nationwide) or "
                            "are based there"
                        )
                        % {"place": place}
                    ),
                ),
            )
        )
    if whole.value is not None:
        value = whole.value
        reasons.append(
            (
                counted.sized[WHOLE],
                _reason(
                    "size_stage",
                    lambda: (
                        _("are large enough to take on NOK %(value)s alone")
                        % {"value": f"{value:,.0f}".replace(",", "\u00a0")}
                    ),
                ),
            )
        )
    return reasons


def design_figures(design: LotDesign) -> dict:
    """The figures a decision rests on, as plain values (kept in the audit event)."""

    def of(item: Design | None) -> dict | None:
        if item is None:
            return None
        return {
            "lots": item.lot_count,
            "alone": item.any.alone_total,
            "alone_smb": item.smb,
            "alone_local": item.any.alone_local_total,
        }

    return {
        "whole": {
            **of(design.whole),
            "together": design.whole.parts[0].counts.together_total,
            "together_smb": design.whole.parts[0].counts.together_smb,
        },
        "lots": of(design.lots),
        "best_split": {"key": design.best.key, **of(design.best)} if design.best else None,
        "most_lots": design.most_lots,
    }
