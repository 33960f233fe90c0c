"""Issue 13 §4: with Redis stopped, pages render and a deadline extension is committed, answered
with a redirect, and its notices reach the suppliers once the sweeper runs.

Each test starts its own ``redis-server`` on a free port (cache and Celery broker), then stops it:
the shared Redis is never touched. Only the binary is needed; CI fails without it.
"""

from __future__ import annotations

import datetime
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from kombu import pools as kombu_pools

from config.cache import CacheUnavailable
from config.celery import app
from marketplace.models import OutboxMessage
from marketplace.outbox import outbox_sweep
from tenders.models import Amendment
from tests.conftest import IN_CI, with_totp
from tests.factories import (
    FollowFactory,
    MembershipFactory,
    OrganisationUnitFactory,
    TenderFactory,
    UserFactory,
    cpv_code,
    make_guide,
)
from tests.factories.pages import make_home_page


class PrivateRedis:
    """A throw-away ``redis-server`` (no persistence) that a test can stop and start again."""

    def __init__(self, binary: str):
        self.binary = binary
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        for _ in range(100):
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def private_redis():
    binary = shutil.which("redis-server")
    if binary is None:
        reason = "needs the redis-server binary (apt-get install redis-server)"
        if IN_CI:
            pytest.fail(f"CI must run this test: {reason}", pytrace=False)
        pytest.skip(reason)
    server = PrivateRedis(binary)
    server.start()
    yield server
    server.stop()


def _reset_producer_pool() -> None:
    """Forget every broker connection and producer: kombu keeps them in process-wide pools keyed
    by URL, so closing only the app's pool would leave later tests a closed pool to acquire from."""
    kombu_pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def on_private_redis(private_redis, settings):
    """The cache and the Celery broker on the private server, tasks sent (not run in-process).

    The cache is configured as the settings configure it when REDIS_URL is set (as in CI), with
    only the address changed and no back-off window, so a restarted server is used at once."""
    configured = settings.CACHES["default"]
    if configured["BACKEND"].endswith("RedisCache"):
        default = {**configured, "OPTIONS": {**configured.get("OPTIONS", {})}}
    else:  # no REDIS_URL on this machine: the backend settings/base.py names for Redis
        default = {"BACKEND": "config.cache.DegradingRedisCache", "OPTIONS": {}}
    default["LOCATION"] = private_redis.url
    default["KEY_PREFIX"] = "outage-test"
    default["OPTIONS"]["retry_after"] = 0
    settings.CACHES = {"default": default}
    saved = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, private_redis.url
    _reset_producer_pool()
    yield private_redis
    app.conf.task_always_eager, app.conf.broker_url = saved
    _reset_producer_pool()


def test_the_cache_misses_and_forgets_while_redis_is_down(on_private_redis):
    # given a working cache
    cache.set("greeting", "hei", 60)
    assert cache.get("greeting") == "hei"
    # when Redis stops
    on_private_redis.stop()
    # then reads miss, writes do nothing, and only counters say so
    assert cache.get("greeting", "miss") == "miss"
    assert cache.get_many(["greeting"]) == {}
    assert cache.set("greeting", "hallo", 60) is None
    assert cache.add("fresh", 1) is False
    assert cache.get_or_set("computed", 42) == 42
    with pytest.raises(CacheUnavailable):
        cache.incr("greeting")
    # and once it is back, the cache is used again
    on_private_redis.start()
    cache.set("greeting", "igjen", 60)
    assert cache.get("greeting") == "igjen"


@pytest.mark.django_db
def test_pages_render_while_redis_is_down(client, on_private_redis):
    # given the home page and a Wagtail page, and the site root paths cached once
    make_home_page()
    guide = make_guide()
    assert client.get("/").status_code == 200
    # when Redis stops
    on_private_redis.stop()
    # then the front page, a Wagtail page, a list and the login page still answer
    assert client.get("/").status_code == 200
    assert client.get(guide.url).status_code == 200
    with translation.override("en"):
        assert client.get(reverse("tenders:opportunity_list")).status_code == 200
        assert client.get(reverse("account_login")).status_code == 200


@pytest.fixture
def officer(transactional_db):
    """A procurement officer with TOTP, and a published tender of their unit (real commits:
    the on-commit hooks run in the request, as in production)."""
    from marketplace.models import Role
    from tests.factories import BuyerFactory

    buyer = BuyerFactory()
    unit = OrganisationUnitFactory(organisation=buyer)
    user = UserFactory()
    MembershipFactory(user=user, organisation=buyer, unit=unit, role=Role.PROCUREMENT_OFFICER)
    with_totp(user)
    tender = TenderFactory(
        buyer=buyer, unit=unit, main_cpv=cpv_code("72000000", "IT services"), published=True
    )
    return user, tender


def _buyer_client(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)  # as tests/conftest.py's buyer_client does
    return client


def test_a_deadline_extension_with_redis_down_is_saved_and_suppliers_are_told(
    officer, on_private_redis
):
    user, tender = officer
    supplier_user = FollowFactory(tender=tender).user
    client = _buyer_client(user)
    new_deadline = timezone.localtime(tender.submission_deadline) + datetime.timedelta(days=7)
    # given Redis (cache and broker) is down
    on_private_redis.stop()
    # when the buyer extends the deadline
    with translation.override("en"):
        url = reverse("tenders:tender_extend_deadline", kwargs={"reference": tender.reference})
    response = client.post(
        url,
        {"submission_deadline": new_deadline.strftime("%Y-%m-%dT%H:%M"), "reason": "Mer tid"},
    )
    # then the change is committed and answered with a redirect, not an error page
    assert response.status_code == 302, response.content[:500]
    assert Amendment.objects.get(tender=tender).is_deadline_extension
    # and what must follow is in the outbox, waiting for the broker
    pending = OutboxMessage.objects.filter(delivered_at=None)
    topics = set(pending.values_list("topic", flat=True))
    assert "tenders.services.follows.followers_deliver" in topics
    assert "marketplace.domain_events.event_deliver" in topics
    assert mail.outbox == []
    # when the sweeper runs (Redis still down): it delivers in-process
    later = timezone.now() + datetime.timedelta(hours=1)
    for _ in range(5):
        if outbox_sweep(now=later)["due"] == 0:
            break
    # then the supplier following the tender has the e-mail, once, and nothing is left over
    to_supplier = [message for message in mail.outbox if message.to == [supplier_user.email]]
    assert len(to_supplier) == 1
    assert not OutboxMessage.objects.filter(delivered_at=None).exists()


@pytest.mark.django_db
def test_readyz_says_the_cache_is_unreachable_and_stays_in_rotation(
    client, on_private_redis, settings
):
    default = settings.CACHES["default"]
    settings.CACHES = {"default": {**default, "OPTIONS": {**default["OPTIONS"], "retry_after": 60}}}
    on_private_redis.stop()
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"] == {"ok": False, "detail": "DegradingRedisCache: unreachable"}
    assert body["checks"]["broker"]["ok"] is False
