"""Issue 14: sessions are kept in the database and read from the cache (marketplace.sessions):
a signed-in page asks nothing for its session while the cache answers, no one is signed out when
Redis goes away, and a cached copy lives at most five minutes."""

from __future__ import annotations

import pytest
import redis
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marketplace.sessions import CACHED_COPY_MAX_AGE
from tests.factories import UserFactory
from tests.test_outage import on_private_redis, private_redis  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def _session_reads(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return sum('"django_session"' in query["sql"] for query in queries.captured_queries)


def test_the_engine_is_the_cached_database_one():
    assert settings.SESSION_ENGINE == "marketplace.sessions"


def test_a_signed_in_page_reads_its_session_from_the_cache(client, on_private_redis):  # noqa: F811
    client.force_login(UserFactory())
    url = reverse("marketplace:dashboard")

    assert _session_reads(client, url) == 0
    # and the session is in the database too
    assert Session.objects.filter(session_key=client.session.session_key).exists()


def test_a_session_survives_redis_going_away(client, on_private_redis):  # noqa: F811
    # given someone signed in while Redis answered
    client.force_login(UserFactory())
    url = reverse("marketplace:dashboard")
    assert client.get(url).status_code == 200

    # when Redis stops
    on_private_redis.stop()

    # then they are still signed in: the session is read from the database
    assert _session_reads(client, url) == 1
    # and once Redis is back, from the cache again
    on_private_redis.start()
    client.get(url)
    assert _session_reads(client, url) == 0


def test_a_cached_copy_lives_at_most_five_minutes(client, on_private_redis):  # noqa: F811
    client.force_login(UserFactory())
    server = redis.Redis(port=on_private_redis.port)

    keys = [key for key in server.keys("*") if b"sessions" in key]

    assert keys, "the session was not cached"
    assert all(0 < server.ttl(key) <= CACHED_COPY_MAX_AGE for key in keys)
    assert settings.SESSION_COOKIE_AGE > CACHED_COPY_MAX_AGE
