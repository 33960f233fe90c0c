"""Shared fixtures: actors (anonymous, supplier, buyer, editor clients) and service guards.

Tests that need Redis or Chromium are marked. Where the service is missing they are skipped on a
developer's machine with the reason, and fail in CI (``CI=true``), where .ci/run provides both.
"""

from __future__ import annotations

import contextlib
import os
import shutil

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _missing_service(item) -> str | None:
    if item.get_closest_marker("redis") and not os.environ.get("REDIS_URL"):
        return "needs Redis: set REDIS_URL (.ci/run does)"
    if item.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        return f"needs Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)"
    return None


def pytest_runtest_setup(item):
    # Elasticsearch cannot run on this machine (no server package is reachable), so its live tests
    # run only where ELASTICSEARCH_URL is set: docker compose, .github/workflows/elasticsearch.yml.
    if item.get_closest_marker("elasticsearch") and not os.environ.get("ELASTICSEARCH_URL"):
        pytest.skip("needs Elasticsearch: set ELASTICSEARCH_URL (see .github/workflows)")
    reason = _missing_service(item)
    if reason is None:
        return
    if IN_CI:
        pytest.fail(f"CI must run this test but a service is missing: {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(items):
    # The eForms Schematron rules take a minute or two to compile once per process: under
    # pytest-xdist (--dist loadgroup) one worker runs all of them instead of each compiling its own.
    for item in items:
        if item.get_closest_marker("eforms_rules") or "eforms_rules" in item.fixturenames:
            item.add_marker(pytest.mark.xdist_group("eforms_rules"))


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, django_db_keepdb):
    """With ``--reuse-db``, a SQLite test database whose name stays the same from run to run.

    PostgreSQL's test database is already ``test_<name of DATABASE_URL>`` plus ``_gw0``, ``_gw1``
    under pytest-xdist (pytest-django's suffix), so it can be kept. SQLite's (config/settings/
    test.py) carries the process id so that runs side by side in one checkout never share a file;
    asked to reuse, it is named after DATABASE_URL's file and the xdist worker instead.
    """
    if not django_db_keepdb:
        return
    from pathlib import Path

    from django.conf import settings

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    for db_settings in settings.DATABASES.values():
        name = Path(db_settings["NAME"])
        if db_settings["ENGINE"] != "django.db.backends.sqlite3" or name.name == ":memory:":
            continue
        suffix = f"-{worker}" if worker else ""
        db_settings.setdefault("TEST", {})["NAME"] = str(
            name.with_name(f"{name.stem}-reused{suffix}.sqlite3")
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, django_db_keepdb):
    """The test database as every test expects it, in whatever order they run.

    - Django asks SQLite once per connection whether it has JSON (``SELECT JSON(...)``); asked
      here, that query never lands in the count of whichever test compiles JSON first.
    - With ``--reuse-db`` the kept database ends the run with the rows its migrations made
      (Wagtail's root page and locales, groups, certifications, themes): transactional tests run
      last (pytest-django orders them so) and flush every table, which would leave the next run
      without them. They are read here and put back after the run, as Django's serialized
      rollback does.
    """
    from django.apps import apps
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all():
            connection.features.supports_json_field  # noqa: B018 - asked once, here
        kept = {
            alias: connections[alias].creation.serialize_db_to_string()
            for alias in connections
            if django_db_keepdb
        }
    yield
    with django_db_blocker.unblock():
        for alias, contents in kept.items():
            with _audit_table_deletable(connections[alias]):
                call_command(
                    "flush",
                    database=alias,
                    interactive=False,
                    inhibit_post_migrate=True,
                    verbosity=0,
                )
            connection = connections[alias]
            connection.creation.deserialize_db_from_string(contents)
            # The rows came back with their ids; PostgreSQL's sequences must start after them.
            models = apps.get_models(include_auto_created=True)
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(statement)


@pytest.fixture(scope="session", autouse=True)
def _urlconf_under_test_settings(django_test_environment):
    """The URLconf is imported once per process, and config/urls.py adds the media route only
    when DEBUG is on at that moment: import it now, under the test settings (DEBUG off), so that
    a test which turns DEBUG on (seed_demo refuses to run without it) cannot decide which
    patterns the tests after it in the same worker see."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (the import is the point)


@pytest.fixture(autouse=True)
def _fresh_process_state():
    """Every test starts as the first one would and leaves nothing behind for the next.

    The suite runs in random order (pytest-randomly), so nothing may leak between tests: a
    request under /en/ activates English for the rest of the thread (a later ``reverse()`` would
    give /en/...), a request may activate a time zone, the default cache keeps pages, rate-limit
    counters and Wagtail's site paths, and ``get_backend()`` keeps the search backend it built.
    """
    from django.conf import settings
    from django.core.cache import caches
    from django.utils import timezone, translation

    from search.backends import get_backend

    def reset():
        translation.activate(settings.LANGUAGE_CODE)
        timezone.deactivate()
        get_backend.cache_clear()
        for cache in caches.all(initialized_only=True):
            cache.clear()

    reset()
    yield
    reset()
    translation.deactivate()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads in tests go to a fresh folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


# --- Actors -----------------------------------------------------------------------------------


@pytest.fixture
def supplier(db):
    from tests.factories import SupplierFactory

    return SupplierFactory(name="Fjordlys Teknologi AS")


@pytest.fixture
def supplier_admin(db, supplier):
    from marketplace.models import Role
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory(email="admin@fjordlys.test")
    MembershipFactory(user=user, organisation=supplier, role=Role.SUPPLIER_ADMIN)
    return user


@pytest.fixture
def supplier_client(client, supplier_admin):
    client.force_login(supplier_admin)
    return client


@pytest.fixture
def buyer(db):
    from tests.factories import BuyerFactory

    return BuyerFactory(name="Akershus fylkeskommune")


@pytest.fixture
def buyer_unit(db, buyer):
    from tests.factories import OrganisationUnitFactory

    return OrganisationUnitFactory(organisation=buyer, name="Samferdsel", name_en="Transport")


def with_totp(user):
    """Give a user a TOTP authenticator, as buyer staff must have (MFA_REQUIRED_FOR_STAFF)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def procurement_officer(db, buyer, buyer_unit):
    from marketplace.models import Role
    from tests.factories import MembershipFactory, UserFactory

    user = with_totp(UserFactory(email="innkjoper@afk.test"))
    MembershipFactory(user=user, organisation=buyer, role=Role.PROCUREMENT_OFFICER, unit=buyer_unit)
    return user


@pytest.fixture
def buyer_client(client, procurement_officer):
    client.force_login(procurement_officer)
    return client


@pytest.fixture(autouse=True)
def _audit_table_flushable(request):
    """Let Django flush the append-only audit table after transactional tests on SQLite.

    PostgreSQL's flush uses TRUNCATE, which the row triggers don't see; SQLite's flush deletes
    rows, which the trigger refuses. Requesting transactional_db first makes this teardown run
    before the flush.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = {"live_server", "transactional_db"} & set(request.fixturenames) or (
        marker and (marker.kwargs.get("transaction") or marker.args[:1] == (True,))
    )
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    from django.db import connection

    if connection.vendor == "sqlite":
        with _audit_table_deletable(connection), connection.cursor() as cursor:
            cursor.execute("DELETE FROM marketplace_auditevent")


@contextlib.contextmanager
def _audit_table_deletable(connection):
    """On SQLite, lift the audit table's append-only triggers while rows are deleted."""
    if connection.vendor != "sqlite":
        yield
        return
    from importlib import import_module

    migration = import_module("marketplace.migrations.0002_audit_append_only")
    with connection.cursor() as cursor:
        for statement in migration.SQLITE_DROP:
            cursor.execute(statement)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for statement in migration.SQLITE_CREATE:
                cursor.execute(statement)


@pytest.fixture(autouse=True)
def _deterministic_fake_data(request):
    """The same fake names and companies every run, whatever order the tests run in."""
    import factory.random

    factory.random.reseed_random(request.node.nodeid)
