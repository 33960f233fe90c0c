"""The at-size data set of the matching bench, made with PostgreSQL's COPY.

``build(rng)`` writes supplier organisations and their published profiles (CPV codes and
delivery municipalities), a buyer and its published tenders; ``index_everything()`` indexes
them through the product's own rebuild (``search.indexing.rebuild``, the path of
``manage.py search_index --rebuild``). Rows are model instances turned into column values by
their own fields (``get_db_prep_save``), so defaults and conversions are Django's; only the
writing is bulk: primary keys are drawn from each table's sequence in one statement, and the
rows go in with one ``COPY`` per table and batch. Sizes: BENCH_MATCH_PROFILES and
BENCH_MATCH_TENDERS (``tests/bench/matching.py`` sets them per size of a run).
"""

from __future__ import annotations

import os
import random
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import Enum

BATCH = 20_000

WORDS = {
    "45": "bygg anlegg vei bro asfalt rehabilitering betong grunnarbeid",
    "72": "programvare app system integrasjon skytjeneste utvikling drift data",
    "90": "renovasjon avfall renhold miljø vask gjenvinning slam",
    "79": "rådgivning kommunikasjon analyse revisjon rekruttering juridisk",
    "33": "medisinsk utstyr helse pleie laboratorium hjelpemidler",
    "34": "buss kjøretøy transport elbil ferge lading",
    "71": "arkitekt prosjektering ingeniør oppmåling tegning",
    "80": "opplæring kurs skole undervisning kompetanse",
}
FILLER = ["leveranse", "kvalitet", "oppdrag", "kommune", "fylke", "tjeneste", "avtale"]


def sizes() -> tuple[int, int]:
    """(tenders, profiles) of the current run."""
    return (
        int(os.environ.get("BENCH_MATCH_TENDERS", "20000")),
        int(os.environ.get("BENCH_MATCH_PROFILES", "100000")),
    )


def text(rng: random.Random, division: str) -> str:
    words = WORDS.get(division, "").split() or FILLER
    return " ".join(rng.choice(words) for _ in range(6)) + " " + " ".join(rng.sample(FILLER, 3))


# --- COPY -------------------------------------------------------------------------------------


def reserve_ids(model, count: int) -> list[int]:
    """``count`` fresh primary keys from the table's own sequence (one statement)."""
    from django.db import connection

    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        names = ", ".join(connection.ops.quote_name(column) for column in columns)
        with cursor.copy(f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


# Fields whose Python value psycopg writes as is; the others go through the field's own
# ``get_db_prep_save`` (JSON, and anything not listed here).
_PLAIN = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "EmailField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
    "URLField",
}


def copy_models(model, rows: Sequence[dict]) -> list[int]:
    """Write rows of ``model`` given as {field name or attname: value} with COPY, every other
    field taking its default as ``Model()`` and ``save()`` would give it; returns the new
    primary keys in order. No model instance is made (they cost more than the writing)."""
    from django.db import connection
    from django.utils import timezone

    if not rows:
        return []
    fields = list(model._meta.concrete_fields)
    now = timezone.now()
    pks = reserve_ids(model, len(rows))
    plans = []  # per field: (names to look up, the default, how to convert)
    for field in fields:
        names = (field.name, field.attname)
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            default = lambda: now  # noqa: E731 - as save() would stamp it
        elif field.has_default() and callable(field.default):
            default = field.default
        else:
            constant = field.get_default()
            default = lambda constant=constant: constant  # noqa: E731
        prepare = None if field.get_internal_type() in _PLAIN else field.get_db_prep_save
        plans.append((field.primary_key, names, default, prepare))

    def values(row: dict, pk: int) -> list:
        out = []
        for primary_key, (name, attname), default, prepare in plans:
            if primary_key:
                out.append(pk)
                continue
            value = row[name] if name in row else row[attname] if attname in row else default()
            if isinstance(value, Enum):
                value = value.value
            out.append(value if prepare is None else prepare(value, connection=connection))
        return out

    copy_rows(
        model._meta.db_table,
        [field.column for field in fields],
        (values(row, pk) for row, pk in zip(rows, pks, strict=True)),
    )
    return pks


def org_number(n: int) -> str:
    """The n-th valid organisation number, as ``tests.factories.valid_org_number`` gives it
    (MOD11 check digit, a base without one skipped), computed rather than searched."""
    base = 91_000_000 + n
    while True:
        digits = f"{base:08d}"
        remainder = sum(int(d) * w for d, w in zip(digits, (3, 2, 7, 6, 5, 4, 3, 2), strict=True))
        check = (11 - remainder % 11) % 11
        if check < 10:
            return f"{digits}{check}"
        base += 1


def _through(relation) -> tuple[str, str, str]:
    """(table, source column, target column) of a many-to-many field's table."""
    through = relation.through
    source = relation.field.m2m_column_name()
    target = relation.field.m2m_reverse_name()
    return through._meta.db_table, source, target


def copy_links(relation, pairs: Iterable[tuple[int, object]]) -> None:
    table, source, target = _through(relation)
    copy_rows(table, (source, target), pairs)


# --- The data ---------------------------------------------------------------------------------


def _codes_by_division():
    from marketplace.models import CpvCode

    by_division: dict[str, list[str]] = {}
    for code in CpvCode.objects.values_list("code", flat=True):
        by_division.setdefault(code[:2], []).append(code)
    if not by_division:
        raise SystemExit("bench_matching needs the CPV table (bench_reference_imports loads it)")
    divisions = sorted(by_division, key=lambda d: (-len(by_division[d]), d))
    weights = [1 / (rank + 1) for rank in range(len(divisions))]  # Zipf-like
    return by_division, divisions, weights


def analyze(tables: tuple[str, ...] = ()) -> None:
    """VACUUM ANALYZE after the bulk load (of ``tables``, else of every table), as autovacuum
    does in production after this many inserts: without the statistics PostgreSQL plans for
    empty tables, and without the visibility map every first read of a fresh row pays for its
    hint bits (VACUUM also merges the GIN indexes' pending lists)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")


def build(rng: random.Random) -> dict:
    """The data, written in batches of ``BATCH`` rows with COPY: only primary keys are kept
    between batches, so the process never holds 100,000 model instances at once."""
    from marketplace.models import County, Municipality, Organisation, SupplierProfile, User
    from tenders.models import Tender

    tenders_n, profiles_n = sizes()
    by_division, divisions, weights = _codes_by_division()
    cumulative = []
    total = 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)
    county, _ = County.objects.get_or_create(number="32", defaults={"name": "Akershus"})
    municipalities = [
        Municipality.objects.get_or_create(
            number=f"32{n:02d}", defaults={"name": f"Kommune {n}", "county": county}
        )[0]
        for n in range(1, 21)
    ]
    muni_ids = [m.pk for m in municipalities]

    def pick_code():
        division = rng.choices(divisions, cum_weights=cumulative)[0]
        return division, rng.choice(by_division[division])

    sme = ["micro", "small", "medium", "large"]
    stages = ["startup", "scaleup", "established", "large", ""]
    organisation_ids: list[int] = []
    for first in range(0, profiles_n, BATCH):
        numbers = range(first, min(profiles_n, first + BATCH))
        organisations = copy_models(
            Organisation,
            [
                {
                    "kind": Organisation.Kind.SUPPLIER,
                    "name": f"Matchfirma {n:06d} AS",
                    "slug": f"match-{n:06d}",
                    "org_number": org_number(2_000_000 + n * 3),
                }
                for n in numbers
            ],
        )
        profiles, first_codes = [], []
        for organisation_id in organisations:
            division, code = pick_code()
            first_codes.append((division, code))
            profiles.append(
                {
                    "organisation_id": organisation_id,
                    "is_published": True,
                    "description_nb": text(rng, division),
                    "sme_category": rng.choice(sme),
                    "stage": rng.choice(stages),
                    "delivers_nationwide": rng.random() < 0.2,
                }
            )
        profile_ids = copy_models(SupplierProfile, profiles)
        links, munis = [], []
        for profile_id, (division, code) in zip(profile_ids, first_codes, strict=True):
            codes = {code}
            for _ in range(rng.randint(0, 3)):
                codes.add(
                    rng.choice(by_division[division]) if rng.random() < 0.7 else pick_code()[1]
                )
            links += [(profile_id, c) for c in sorted(codes)]
            munis += [(profile_id, m) for m in rng.sample(muni_ids, rng.randint(0, 2))]
        copy_links(SupplierProfile.cpv_codes, links)
        copy_links(SupplierProfile.delivery_municipalities, munis)
        organisation_ids += organisations
        del organisations, profiles, profile_ids, first_codes, links, munis

    buyer = Organisation.objects.create(
        kind=Organisation.Kind.BUYER,
        name="Benk fylkeskommune",
        slug="benk-fylke",
        org_number=org_number(1_900_000),
    )
    now = datetime.now(tz=UTC)
    closes = now + timedelta(days=30)
    tender_ids: list[int] = []
    for first in range(0, tenders_n, BATCH):
        tenders = []
        for n in range(first, min(tenders_n, first + BATCH)):
            division, code = pick_code()
            tenders.append(
                {
                    "reference": f"BENK-{n:06d}",
                    "title": f"Konkurranse {n}: " + text(rng, division)[:80],
                    "description": text(rng, division),
                    "buyer_id": buyer.pk,
                    "procedure": "open",
                    "main_cpv_id": code,
                    "estimated_value": Decimal(rng.randint(100, 20_000) * 1000),
                    "status": Tender.Status.PUBLISHED,
                    "published_at": now,
                    "submission_deadline": closes,
                }
            )
        ids = copy_models(Tender, tenders)
        copy_links(Tender.municipalities, [(pk, rng.choice(muni_ids)) for pk in ids])
        tender_ids += ids
        del tenders, ids
    analyze()
    users = User.objects.bulk_create(
        User(email=f"benk{n}@match.test", password="!") for n in range(200)
    )
    return {
        "tender_ids": tender_ids,
        "municipalities": municipalities,
        "organisation_ids": organisation_ids,
        "user_ids": [user.pk for user in users],
        "buyer": buyer,
    }


# What a rebuild writes: the index, its facet rows and what the triggers derive from them.
INDEX_TABLES = (
    "search_searchdocument",
    "search_searchfacet",
    "search_searchmatch",
    "search_facetset",
    "search_lexeme",
)


def index_everything(progress=None) -> int:
    """Index the generated suppliers and tenders through the product's rebuild (what
    ``manage.py search_index --rebuild`` runs); the search and the matcher's text scores read
    the stored vectors."""
    from search import index_entries as docs
    from search.indexing import rebuild

    written = 0
    for kind in (docs.Kind.SUPPLIER, docs.Kind.TENDER):
        written += rebuild(kind, progress=progress)
    analyze(INDEX_TABLES)  # build() analysed the rest
    return written


def reset() -> None:
    """Empty the database for the next size of a run, keeping the CPV table it was given."""
    from django.core.management import call_command

    from marketplace.models import CpvCode

    fields = list(CpvCode._meta.concrete_fields)
    rows = list(CpvCode.objects.order_by("code").values_list(*(f.attname for f in fields)))
    call_command("flush", "--noinput", verbosity=0)
    copy_rows(CpvCode._meta.db_table, [field.column for field in fields], rows)
