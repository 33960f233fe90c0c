"""Reading the plain facts the scorer works on, in a few set-based queries.

Facts are loaded as plain values: the profiles of a shortlist with their codes, places and
certifications in one query (an array per many-to-many: PostgreSQL arrays, JSON arrays on
SQLite), so scoring a few hundred suppliers costs one query. An opportunity's facts reuse what
its page already read; what they need besides (the counties of its places, the certifications
its requirements may name) and the names its explanations show come in one more query.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    CharField,
    F,
    Value,
)
from django.utils.html import strip_tags

from marketplace.models import (
    Certification,
    County,
    CpvCode,
    Municipality,
    Organisation,
    SupplierProfile,
)
from matching.scoring import OpportunityFacts, SupplierFacts, branch_code
from tenders.models import Lot, Need, Tender

# --- Suppliers ------------------------------------------------------------------------------------


def supplier_facts(ids: Iterable[int]) -> dict[int, SupplierFacts]:
    """Facts of the profiles ``ids`` (primary keys of SupplierProfile), in one query (the
    shortlist's statement, ``supplier_profiles_with_facts``)."""
    return supplier_profiles_with_facts(ids)[0]


def supplier_profiles_with_facts(
    ids: Iterable[int],
) -> tuple[dict[int, SupplierFacts], Mapping[int, SupplierProfile]]:
    """The facts of the profiles ``ids`` and the profiles to show (with their organisation's
    name, slug and verification), in the same one query. Other columns of a profile or its
    organisation are read when asked for, as with ``QuerySet.only``.

    The statement's text is the same for any number of ids (``_profiles_sql``: the ids are one
    array on PostgreSQL, one JSON list on other databases), so it is not built by the ORM for
    each shortlist; and a profile becomes a model instance only when it is asked for (a page
    shows 20 of a shortlist of 100)."""
    ids = list(ids)
    if not ids:
        return {}, {}
    sql, fields = _profiles_sql()
    argument = ids if connection.vendor == "postgresql" else json.dumps(ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, [argument])
        rows = _converted(cursor.fetchall(), fields)
    facts = {}
    for row in rows:
        pk, _org, _listed_flag, _home, nationwide, sme, stage, trl, pilots = row[:_ORG_START]
        name = row[_ORG_START + 1]
        home, refs, *arrays = row[_ORG_END:]
        facts[pk] = _facts_of_row(
            (pk, name, nationwide, home, sme, stage, trl, pilots, refs, *arrays)
        )
    return facts, _Profiles({row[0]: row for row in rows})


class _Profiles(Mapping):
    """{pk: SupplierProfile}, each made from its row (with its organisation) when asked for."""

    def __init__(self, rows: dict[int, tuple]):
        self._rows = rows
        self._made: dict[int, SupplierProfile] = {}

    def __getitem__(self, pk: int) -> SupplierProfile:
        if pk not in self._made:
            row = self._rows[pk]
            profile = SupplierProfile.from_db(connection.alias, _PROFILE_COLUMNS, row[:_ORG_START])
            profile.organisation = Organisation.from_db(
                connection.alias, ("id", *_ORGANISATION_FIELDS), (row[1], *row[_ORG_START:_ORG_END])
            )
            self._made[pk] = profile
        return self._made[pk]

    def __iter__(self):
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


# The columns of a profile and of its organisation a page shows and the facts need, in the
# models' field order (``Model.from_db`` leaves the others deferred).
_PROFILE_COLUMNS = (
    "id",
    "organisation_id",
    "is_published",
    "municipality_id",
    "delivers_nationwide",
    "sme_category",
    "stage",
    "technology_readiness_level",
    "open_to_pilots",
)
_ORGANISATION_FIELDS = ("kind", "name", "slug", "verified_at")
_ORG_START = len(_PROFILE_COLUMNS)
_ORG_END = _ORG_START + len(_ORGANISATION_FIELDS)
# The shortlist's profiles with their organisations and facts: the columns above, then the
# home municipality's number, the count of public-sector references and one array per
# many-to-many the scorer reads ({arrays}). Our constant SQL; the ids are the one parameter
# ({among}).
_PROFILES_SQL = """SELECT p.id, p.organisation_id, p.is_published, p.municipality_id,
       p.delivers_nationwide, p.sme_category, p.stage, p.technology_readiness_level,
       p.open_to_pilots, o.kind, o.name, o.slug, o.verified_at, m.number,
       (SELECT COUNT(*) FROM marketplace_supplierreference r
         WHERE r.profile_id = p.id AND r.public_sector),
       {arrays}
  FROM marketplace_supplierprofile p
  JOIN marketplace_organisation o ON o.id = p.organisation_id
  LEFT JOIN marketplace_municipality m ON m.id = p.municipality_id
 WHERE p.id {among}"""
# Each many-to-many the scorer reads, as (its rows, the value kept); x is the link row.
_ARRAYS = (
    ("marketplace_supplierprofile_cpv_codes x", "x.cpvcode_id"),
    (
        "marketplace_supplierprofile_delivery_municipalities x"
        " JOIN marketplace_municipality t ON t.id = x.municipality_id",
        "t.number",
    ),
    (
        "marketplace_supplierprofile_delivery_counties x"
        " JOIN marketplace_county t ON t.id = x.county_id",
        "t.number",
    ),
    (
        "marketplace_supplierprofile_certifications x"
        " JOIN marketplace_certification t ON t.id = x.certification_id",
        "t.slug",
    ),
)


@functools.cache
def _profiles_sql_for(vendor: str) -> tuple[str, tuple]:
    """The statement for this database (PostgreSQL arrays, JSON arrays elsewhere: ``_listed``
    reads both) and the model fields of its first columns."""
    if vendor == "postgresql":
        array = "ARRAY(SELECT {value} FROM {rows} WHERE x.supplierprofile_id = p.id)"
        among = "= ANY(%s)"
    else:
        array = "(SELECT JSON_GROUP_ARRAY({value}) FROM {rows} WHERE x.supplierprofile_id = p.id)"
        among = "IN (SELECT value FROM json_each(%s))"
    arrays = ",\n       ".join(array.format(value=value, rows=rows) for rows, value in _ARRAYS)
    fields = tuple(SupplierProfile._meta.get_field(name) for name in _PROFILE_COLUMNS) + tuple(
        Organisation._meta.get_field(name) for name in _ORGANISATION_FIELDS
    )
    return _PROFILES_SQL.format(arrays=arrays, among=among), fields


def _profiles_sql() -> tuple[str, tuple]:
    return _profiles_sql_for(connection.vendor)


def _converted(rows: list[tuple], fields: tuple) -> list[tuple]:
    """``rows`` with their first columns (``fields``) converted as the ORM would (booleans and
    times on SQLite); the columns after them are used as they come."""
    steps = []
    for index, field in enumerate(fields):
        column = field.get_col(field.model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        steps += [(index, converter, column) for converter in converters]
    if not steps:
        return rows
    converted = []
    for row in rows:
        values = list(row)
        for index, converter, column in steps:
            values[index] = converter(values[index], column, connection)
        converted.append(tuple(values))
    return converted


def _listed(value) -> list:
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str) else list(value)


def _facts_of_row(row: tuple) -> SupplierFacts:
    pk, name, nationwide, home, sme, stage, trl, pilots, refs, codes, munis, counties, certs = row
    return SupplierFacts(
        pk=pk,
        name=name,
        cpv_codes=tuple(sorted(_listed(codes))),
        nationwide=nationwide,
        municipalities=frozenset(_listed(munis)),
        counties=frozenset(_listed(counties)),
        home_municipality=home or "",
        sme_category=sme,
        stage=stage,
        trl=trl,
        open_to_pilots=pilots,
        public_references=refs,
        certifications=frozenset(_listed(certs)),
    )


def profile_facts(profile: SupplierProfile) -> SupplierFacts:
    return supplier_facts([profile.pk])[profile.pk]


# --- What an opportunity's facts and explanations look up -----------------------------------------


@dataclass(frozen=True)
class Lookups:
    """The reference rows an opportunity's facts and explanations need, read in one query:
    its municipalities (with their county), the names of its CPV codes and of the branches above
    them, and, when its requirements may name some, every certification."""

    counties_of: dict[str, str]  # municipality number -> county number
    places: dict[str, str]  # municipality and county numbers -> name
    cpv_names: dict[str, tuple[str, str]]  # code -> (Bokmål, English)
    certifications: tuple[tuple[str, str, str], ...] = ()  # (slug, Bokmål, English)

    def counties(self, municipalities: Iterable[str]) -> frozenset[str]:
        return frozenset(
            self.counties_of[number] for number in municipalities if self.counties_of.get(number)
        )

    def certifications_named(self, text: str) -> frozenset[str]:
        """Slugs of the certifications whose name appears in ``text`` (the requirements)."""
        lowered = text.casefold()
        return frozenset(
            slug
            for slug, name_nb, name_en in self.certifications
            if name_nb.casefold() in lowered or name_en.casefold() in lowered
        )


def _with_branches(codes: Iterable[str]) -> set[str]:
    wanted: set[str] = set()
    for code in codes:
        wanted.add(code)
        for length in range(2, 6):
            wanted.add(branch_code(code[:length]))
    return wanted


def _text(value: str | None = None):
    return Value(value, output_field=CharField())


def lookups(
    *, municipalities: Iterable[str] = (), codes: Iterable[str] = (), certifications: bool = False
) -> Lookups:
    """The ``Lookups`` of these municipality numbers and CPV codes, in one query (none when
    nothing is asked)."""
    municipalities, wanted = sorted(set(municipalities)), sorted(_with_branches(codes))
    parts = []
    columns = ("row_kind", "key", "first", "second", "third")
    if municipalities:
        parts.append(
            Municipality.objects.filter(number__in=municipalities).annotate(
                row_kind=_text("place"),
                key=F("number"),
                first=F("name"),
                second=F("county__number"),
                third=F("county__name"),
            )
        )
    if wanted:
        parts.append(
            CpvCode.objects.filter(code__in=wanted).annotate(
                row_kind=_text("cpv"),
                key=F("code"),
                first=F("name_nb"),
                second=F("name_en"),
                third=_text(),
            )
        )
    if certifications:
        parts.append(
            Certification.objects.annotate(
                row_kind=_text("certification"),
                key=F("slug"),
                first=F("name_nb"),
                second=F("name_en"),
                third=_text(),
            )
        )
    if not parts:
        return Lookups({}, {}, {})
    selects = [part.order_by().values_list(*columns) for part in parts]
    rows = selects[0].union(*selects[1:], all=True) if len(selects) > 1 else selects[0]
    counties_of: dict[str, str] = {}
    places: dict[str, str] = {}
    names: dict[str, tuple[str, str]] = {}
    found: list[tuple[str, str, str]] = []
    for row_kind, key, first, second, third in rows:
        if row_kind == "place":
            places[key] = first
            if second:
                counties_of[key] = second
                places[second] = third
        elif row_kind == "cpv":
            names[key] = (first, second)
        else:
            found.append((key, first, second))
    return Lookups(counties_of, places, names, tuple(found))


@dataclass(frozen=True)
class Opportunity:
    """An opportunity's facts, with the names its explanations show."""

    facts: OpportunityFacts
    cpv_names: dict[str, tuple[str, str]]
    places: dict[str, str]


def _opportunity(
    *,
    kind: str,
    pk: int,
    title: str,
    codes: tuple[str, ...],
    municipalities: frozenset[str],
    requirements: str = "",
    suitable_for_smb: bool = False,
    is_pilot: bool = False,
) -> Opportunity:
    found = lookups(municipalities=municipalities, codes=codes, certifications=bool(requirements))
    counties = found.counties(municipalities)
    facts = OpportunityFacts(
        kind=kind,
        pk=pk,
        title=title,
        cpv_codes=codes,
        municipalities=municipalities,
        counties=counties,
        suitable_for_smb=suitable_for_smb,
        is_pilot=is_pilot,
        certifications_asked=found.certifications_named(requirements)
        if requirements
        else frozenset(),
    )
    places = {
        number: found.places[number]
        for number in (*municipalities, *counties)
        if number in found.places
    }
    return Opportunity(facts, found.cpv_names, places)


def _loaded(owner, name: str) -> list | None:
    """What a page already read of ``owner.<name>`` (``prefetch_related`` or
    ``tenders.selectors.relations``), or None when it was not read."""
    cache = getattr(owner, "_prefetched_objects_cache", None) or {}
    return list(cache[name]) if name in cache else None


def _loaded_lots(tender: Tender) -> list[Lot] | None:
    """The tender's lots with their codes and places, when the page read them all."""
    lots = _loaded(tender, "lots")
    if lots is None:
        return None
    wanted = ("cpv_codes", "municipalities")
    if all(_loaded(lot, name) is not None for lot in lots for name in wanted):
        return lots
    return None


def tender_codes(tender: Tender) -> tuple[str, ...]:
    codes = []
    if tender.main_cpv_id:
        codes.append(tender.main_cpv_id)
    additional = _loaded(tender, "additional_cpv")
    lots = _loaded_lots(tender)
    if additional is not None and lots is not None:
        codes += [code.code for code in additional]
        codes += [code.code for lot in lots for code in _loaded(lot, "cpv_codes")]
    else:
        codes += list(tender.additional_cpv.values_list("code", flat=True))
        codes += list(
            Lot.cpv_codes.through.objects.filter(lot__tender=tender).values_list(
                "cpvcode_id", flat=True
            )
        )
    codes += [c.split("-")[0] for c in tender.external_cpv_codes or [] if isinstance(c, str)]
    return tuple(dict.fromkeys(code for code in codes if len(code) == 8 and code.isdigit()))


def tender_opportunity(tender: Tender) -> Opportunity:
    """The tender's facts; what the page already read of it (``tender_for_buyer``) is reused."""
    own_places = _loaded(tender, "municipalities")
    own_requirements = _loaded(tender, "requirements")
    lots = _loaded_lots(tender)
    if own_places is not None and own_requirements is not None and lots is not None:
        munis = frozenset(place.number for place in own_places) | frozenset(
            place.number for lot in lots for place in _loaded(lot, "municipalities")
        )
        requirements = " ".join(requirement.text for requirement in own_requirements)
        smb = any(lot.suitable_for_smb for lot in lots)
    else:
        munis = frozenset(tender.municipalities.values_list("number", flat=True)) | frozenset(
            Lot.municipalities.through.objects.filter(lot__tender=tender).values_list(
                "municipality__number", flat=True
            )
        )
        requirements = " ".join(tender.requirements.values_list("text", flat=True))
        smb = tender.lots.filter(suitable_for_smb=True).exists()
    return _opportunity(
        kind="tender",
        pk=tender.pk,
        title=tender.title,
        codes=tender_codes(tender),
        municipalities=munis,
        requirements=requirements,
        suitable_for_smb=smb,
        is_pilot=tender.is_pilot,
    )


def lot_opportunity(lot: Lot) -> Opportunity:
    tender = lot.tender
    codes = tuple(lot.cpv_codes.values_list("code", flat=True)) or tender_codes(tender)
    munis = frozenset(lot.municipalities.values_list("number", flat=True)) or frozenset(
        tender.municipalities.values_list("number", flat=True)
    )
    return _opportunity(
        kind="lot",
        pk=lot.pk,
        title=lot.title,
        codes=codes,
        municipalities=munis,
        requirements=" ".join(tender.requirements.values_list("text", flat=True)),
        suitable_for_smb=lot.suitable_for_smb,
        is_pilot=tender.is_pilot,
    )


def need_opportunity(need: Need) -> Opportunity:
    return _opportunity(
        kind="need",
        pk=need.pk,
        title=need.title,
        codes=tuple(need.cpv_codes.values_list("code", flat=True)),
        municipalities=frozenset(need.municipalities.values_list("number", flat=True)),
        is_pilot=need.is_pilot_opportunity,
    )


def opportunity_of(obj) -> Opportunity:
    """The facts of a tender, lot or need with the names its explanations show."""
    if isinstance(obj, Tender):
        return tender_opportunity(obj)
    if isinstance(obj, Lot):
        return lot_opportunity(obj)
    if isinstance(obj, Need):
        return need_opportunity(obj)
    raise TypeError(f"not an opportunity: {obj!r}")


def facts_of(obj) -> OpportunityFacts:
    return opportunity_of(obj).facts


def lot_facts(lot: Lot) -> OpportunityFacts:
    return lot_opportunity(lot).facts


def text_of(obj) -> str:
    """The words an opportunity or a profile is matched on."""
    if isinstance(obj, Tender):
        loaded = _loaded(obj, "lots")
        titles = [lot.title for lot in loaded] if loaded is not None else None
        if titles is None:
            titles = obj.lots.values_list("title", flat=True)
        lots = " ".join(titles)
        return f"{obj.title} {strip_tags(obj.description)} {lots}"
    if isinstance(obj, Lot):
        return f"{obj.title} {obj.description} {obj.tender.title}"
    if isinstance(obj, Need):
        return f"{obj.title} {obj.problem} {obj.desired_outcomes}"
    if isinstance(obj, SupplierProfile):
        return f"{obj.description_nb} {obj.description_en} {' '.join(obj.keywords or [])}"
    raise TypeError(f"no text for {obj!r}")


def cpv_names(codes: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Names of the codes and of the branches (division, group, class, category) above them."""
    return lookups(codes=codes).cpv_names


def place_names(numbers: Iterable[str]) -> dict[str, str]:
    """Names of municipalities and counties by number (four digits and two: none collide)."""
    numbers = list(numbers)
    municipalities = (
        Municipality.objects.filter(number__in=numbers).order_by().values_list("number", "name")
    )
    counties = County.objects.filter(number__in=numbers).order_by().values_list("number", "name")
    return dict(municipalities.union(counties, all=True))
