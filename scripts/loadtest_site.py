"""What the HTTP load test (scripts/loadtest.py) asks for: the data it builds, the people it
signs in, the words it searches for and the pages it measures."""

from __future__ import annotations

import os
import random
import time
from dataclasses import dataclass
from pathlib import Path

from scripts.drill_deadline import recreate_database
from scripts.drill_support import DrillError, database_name, pg_admin

SUPPLIER = "daglig.leder@bakkeberg.test"  # demo supplier admin (Bokmål)
BUYER = "innkjopsleder@afk.test"  # demo buyer admin, also given the bench buyer's tenders
BROAD_WORD = "kvalitet"  # in two thirds of the generated documents (issue 14: broad)
BUILT_MARK = "loadtest built:"  # the database's comment once the build has finished


@dataclass(frozen=True)
class Page:
    label: str
    path: str
    session: str = ""  # "supplier" or "buyer": signed in with that person's session cookie
    goal: str = ""  # "cached": ≥ 1,000 req/s; "uncached": ≥ 15 % of /healthz
    key: str = ""  # a short name for LOADTEST_PAGES (scripts/loadtest.py)


def built_sizes(database_url: str) -> str:
    """The build mark of the database ('' when it is missing or was not finished)."""
    with pg_admin(database_url) as admin:
        row = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [database_name(database_url)],
        ).fetchone()
    return (row[0] or "") if row else ""


def build(database_url: str, env: dict[str, str], tenders: int, profiles: int, say) -> None:
    """Migrate, then the CPV table, the demo and the bench data at size, indexed; then mark the
    database as built."""
    recreate_database(database_url, env)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    started = time.monotonic()
    cpv = Path(settings.PILOTMARKED_DATA_DIR) / "cpv_2008_main_en_nb.csv"
    if not cpv.exists():
        raise DrillError(f"the CPV table is missing: {cpv} (set PILOTMARKED_DATA_DIR)")
    with open(os.devnull, "w") as quiet:
        call_command("import_cpv", str(cpv), stdout=quiet, stderr=quiet)
        call_command("seed_demo", "--force", "--quiet-logins", stdout=quiet, stderr=quiet)
    say(f"migrated, CPV table and demo loaded ({time.monotonic() - started:.0f} s)")
    os.environ["BENCH_MATCH_TENDERS"] = str(tenders)
    os.environ["BENCH_MATCH_PROFILES"] = str(profiles)
    from tests.bench import dataset

    started = time.monotonic()
    dataset.build(random.Random(14))  # noqa: S311 (test data, not secrets)
    generated = time.monotonic() - started
    documents = dataset.index_everything()
    say(
        f"generated {tenders:,} tenders and {profiles:,} suppliers in {generated:.0f} s, "
        f"indexed {documents:,} documents in {time.monotonic() - started - generated:.0f} s"
    )
    from psycopg import sql

    with pg_admin(database_url) as admin:
        admin.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(database_name(database_url)),
                sql.Literal(f"{BUILT_MARK} {tenders} tenders, {profiles} profiles"),
            )
        )


def sessions() -> dict[str, str]:
    """A session cookie for the demo supplier and for the buyer, who manages the bench buyer's
    tenders too (their explained match pages) and has TOTP set up, as buyer staff must."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.conf import settings
    from django.test import Client

    from marketplace.models import Membership, Organisation, Role, User

    buyer = User.objects.get(email=BUYER)
    Membership.objects.get_or_create(
        user=buyer, organisation=Organisation.objects.get(slug="benk-fylke"), role=Role.BUYER_ADMIN
    )
    if not Authenticator.objects.filter(user=buyer, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(buyer, generate_totp_secret())
    cookies = {}
    for name, email in (("supplier", SUPPLIER), ("buyer", BUYER)):
        client = Client()
        client.force_login(User.objects.get(email=email))
        cookies[name] = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    return cookies


def documents_holding(word: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM search_searchdocument "
            "WHERE vector @@ plainto_tsquery('norwegian', %s)",
            [word],
        )
        return cursor.fetchone()[0]


def rare_word() -> tuple[str, int]:
    """The generator's word that the fewest documents hold (at least one), and how many."""
    from tests.bench.dataset import WORDS

    counts = {word: documents_holding(word) for text in WORDS.values() for word in text.split()}
    held = sorted((n, word) for word, n in counts.items() if n)
    if not held:
        raise DrillError("the search index is empty: no word to search for")
    return held[0][1], held[0][0]


def pages(rare: str) -> list[Page]:
    from cms.models.news import NewsIndexPage
    from cms.models.stories import SuccessStoryIndexPage
    from tenders.models import Tender

    reference = (
        Tender.objects.filter(reference__startswith="BENK-", status=Tender.Status.PUBLISHED)
        .order_by("reference")
        .values_list("reference", flat=True)
        .first()
    )
    stories = SuccessStoryIndexPage.objects.live().first()
    news = NewsIndexPage.objects.live().first()
    if reference is None or stories is None or news is None:
        raise DrillError("the data has no bench tender, success stories or news page")
    from django.utils.encoding import iri_to_uri

    return [
        Page(page.label, iri_to_uri(page.path), page.session, page.goal, page.key)
        for page in _pages(reference, stories.get_url(), news.get_url(), rare)
    ]


def _pages(reference: str, stories: str, news: str, rare: str) -> list[Page]:
    # A query string the page does not read keeps an anonymous request out of the page cache
    # (marketplace/page_cache.py caches no query but a page number): the page's own cost.
    uncached = "?uncached=1"
    return [
        Page("/healthz (ceiling)", "/healthz", key="healthz"),
        # The same view with a session: what a signed-in person's middleware costs.
        Page("/healthz, signed in", "/healthz", session="supplier", key="healthz_signed_in"),
        Page("home", "/", goal="cached", key="home"),
        Page("opportunities list", "/konkurranser/", goal="cached", key="opportunities"),
        Page(
            "opportunities list, anonymous (uncached)",
            f"/konkurranser/{uncached}",
            key="opportunities_uncached",
        ),
        Page(
            "tender detail, anonymous",
            f"/konkurranser/{reference}/",
            goal="cached",
            key="tender_detail",
        ),
        Page(
            "tender detail, anonymous (uncached)",
            f"/konkurranser/{reference}/{uncached}",
            goal="uncached",
            key="tender_detail_uncached",
        ),
        Page(
            "tender detail, signed in (uncached)",
            f"/konkurranser/{reference}/",
            session="supplier",
            goal="uncached",
            key="tender_detail_signed_in",
        ),
        Page("supplier directory", "/leverandorer/", goal="cached", key="directory"),
        Page("supplier directory ?q=renhold", "/leverandorer/?q=renhold", key="directory_q"),
        Page(f"site search, broad ({BROAD_WORD})", f"/sok/?q={BROAD_WORD}", key="search_broad"),
        Page(f"site search, rare ({rare})", f"/sok/?q={rare}", key="search_rare"),
        Page("success stories", stories, goal="cached", key="stories"),
        Page("news", news, goal="cached", key="news"),
        Page(
            "explained match (buyer)",
            f"/innkjop/konkurranser/{reference}/leverandorer/",
            session="buyer",
            key="match",
        ),
        Page("dashboard (buyer)", "/min-side/", session="buyer", key="dashboard"),
    ]
