"""One setting, ``SITE_URL``, names the site in every absolute address we write: e-mail links
(notifications, invitations), eForms and OCDS documents, and through Wagtail's default site the
canonical links, ``og:url`` and sitemap.xml."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation

from marketplace.models import NotificationKind
from marketplace.services import invitations as invitation_services
from marketplace.services.notifications import notify
from marketplace.site_url import absolute_url, sync_wagtail_site, wagtail_site_address
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REAL = "https://pilotmarked.example"


@pytest.fixture
def real_address(settings):
    settings.SITE_URL = REAL + "/"
    return REAL


def test_absolute_url_joins_paths_and_keeps_absolute_addresses(real_address):
    assert absolute_url("/anbud/AFK-1/") == f"{REAL}/anbud/AFK-1/"
    assert absolute_url("https://doffin.no/x") == "https://doffin.no/x"
    assert absolute_url("") == ""


def test_notification_emails_link_to_the_configured_address(
    real_address, django_capture_on_commit_callbacks
):
    user = UserFactory(language="nb")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipient=user,
            kind=NotificationKind.SYSTEM,
            key="site-url",
            template="marketplace/notifications/system",
            context={"title": "Vedlikehold", "message": "Stengt en time.", "when": None},
            url="/min-side/",
        )
    [message] = mail.outbox
    html = message.alternatives[0].content
    for part in (message.body, html, message.extra_headers["List-Unsubscribe"]):
        assert f"{REAL}/" in part
        assert "127.0.0.1" not in part and "localhost" not in part
    assert f"{REAL}/min-side/" in message.body


def test_invitation_emails_link_to_the_configured_address(
    real_address, supplier, supplier_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_services.invitation_create(
            organisation=supplier,
            email="ny@fjordlys.test",
            role="supplier_admin",
            by=supplier_admin,
        )
    [message] = mail.outbox
    assert f"{REAL}/invitasjon/" in message.body
    assert "127.0.0.1" not in message.body


def test_the_wagtail_site_follows_the_setting_so_canonical_and_sitemap_do(client, real_address):
    from wagtail.models import Site

    from tests.factories.pages import make_home_page

    home = make_home_page()
    assert sync_wagtail_site() is True
    assert sync_wagtail_site() is False  # already there
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("pilotmarked.example", 443)

    page = client.get(home.url).content.decode()
    assert f'<link rel="canonical" href="{REAL}/"' in page
    assert f'<meta property="og:url" content="{REAL}/"' in page
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"<loc>{REAL}/</loc>" in sitemap
    assert "localhost" not in sitemap and "testserver" not in sitemap


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://127.0.0.1:8123", {"hostname": "127.0.0.1", "port": 8123}),
        ("https://pilotmarked.example:8443", {"hostname": "pilotmarked.example", "port": 8443}),
        ("https://pilotmarked.no", {"hostname": "pilotmarked.no", "port": 443}),
        ("http://pilotmarked.no/", {"hostname": "pilotmarked.no", "port": 80}),
    ],
)
def test_wagtail_site_address(settings, url, address):
    settings.SITE_URL = url
    with translation.override("nb"):
        assert wagtail_site_address() == address
